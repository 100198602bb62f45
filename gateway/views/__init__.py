"""The gateway's blueprints, one per feature."""
