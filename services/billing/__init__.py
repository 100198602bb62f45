"""The billing service: plans, prices and the subscriptions of client organizations."""
