"""The identity service: accounts, KDF parameters, log-in and outgoing mail."""
