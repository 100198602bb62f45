"""The four services' HTTP APIs in one gunicorn worker, for `make run`.

Production runs each service as its own gunicorn (N workers, behind a load balancer). On one
person's machine, four gunicorns that each load Flask, SQLAlchemy, APIFlask and pydantic to
sit mostly idle cost ~95 MiB apiece (a master and a worker); here one gunicorn listens on the
four services' ports and hands each request to the app of the port it arrived on. Each app
is the service's own `create_app()` with its own settings, database engine, NATS connection,
signer and metrics: only the process is shared. The port is that of the socket the request
came in on, never the Host header a client chooses.

Run by the Procfile's `services` entry:
    gunicorn --bind 127.0.0.1:$IDENTITY_PORT ... --bind 127.0.0.1:$AUDIT_PORT 'embedded.services:create_app()'
"""
from __future__ import annotations

import os
from importlib import import_module

from services.common.config import SERVICES, Settings
from services.common.observability import configure_logging


def create_app(env: dict | None = None):
    """One WSGI app that serves each service's app on that service's port."""
    env = dict(os.environ if env is None else env)
    by_port = {}
    for name in SERVICES:
        app = import_module(f"services.{name}.app").create_app(Settings.from_env(name, env))
        by_port[int(env[f"{name.upper()}_PORT"])] = app
    # Each app set the process's log handler to its own name: the lines say "services", and
    # their logger (`identity.access`, ...) which one wrote them.
    configure_logging("services", Settings.from_env(SERVICES[0], env).log_level)

    def serve(environ, start_response):
        connection = environ.get("gunicorn.socket")
        app = by_port.get(connection.getsockname()[1]) if connection is not None else None
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"No service listens on this port.\n"]
        return app(environ, start_response)

    return serve
