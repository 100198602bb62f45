"""Infrastructure shared by Custodian's services: configuration, database, bus, envelope,
event catalogue, internal authentication and observability. No domain rules live here."""
