"""The billing service: plans and prices, the seat ledger and subscriptions, provider invoices and payments."""
