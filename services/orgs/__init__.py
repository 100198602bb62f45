"""The orgs service: providers and their users, client organizations, members and seats."""
