"""Vault health reports: what the gateway learns from an organization's decrypted items.

Everything here runs in the gateway's memory over items it has just opened; no service ever
receives a password, its hash or its SHA-1 prefix. Only the exposed-passwords check sends
anything out: five hex characters of a SHA-1 per distinct password, to the range source.
"""
