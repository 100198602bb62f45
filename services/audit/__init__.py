"""The audit service: the event log of everything that happens, stored once and queried."""
