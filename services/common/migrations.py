"""Alembic, per service: each service keeps its own migrations next to its models."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

SERVICES_DIR = Path(__file__).resolve().parents[1]


def alembic_config(service: str, database_url: str) -> Config:
    """The Alembic configuration of `service` against `database_url`."""
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(service: str, database_url: str) -> None:
    """Bring `service`'s database to the newest schema."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, database_url), "head")


def run_env(metadata) -> None:
    """The body of every service's `migrations/env.py`."""
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                          literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
