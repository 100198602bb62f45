"""The gateway: Custodian's only browser-facing app, and its vault client (all crypto lives here)."""
