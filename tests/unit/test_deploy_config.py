"""Production's configuration: NATS permissions keep up with the consumers the code declares, and
every gunicorn shares its workers' metrics."""
from __future__ import annotations

from deploy.nats import check_config
from services.common.bus import servers
from services.common.config import ROOT


def test_every_workers_nats_user_may_do_what_its_consumers_need():
    assert check_config.main() == 0


def test_a_nats_url_may_name_every_node_of_a_cluster():
    assert servers("nats://a:4222, nats://b:4222,nats://c:4222") == ["nats://a:4222", "nats://b:4222",
                                                                      "nats://c:4222"]
    assert servers("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]


def test_every_gunicorn_of_production_shares_its_workers_metrics():
    # No YAML parser among our dependencies: every command is a flow list starting on its own line.
    commands = [line.strip() for line in (ROOT / "docker-compose.yml").read_text().splitlines()
                if line.strip().startswith('command: ["gunicorn"')]
    assert len(commands) == 5  # the four services and the gateway
    for command in commands:
        assert command.startswith('command: ["gunicorn", "--config", "deploy/gunicorn.conf.py",'), command
