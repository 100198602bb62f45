"""The production NATS permissions keep up with the consumers the code declares."""
from __future__ import annotations

from deploy.nats import check_config
from services.common.bus import servers


def test_every_workers_nats_user_may_do_what_its_consumers_need():
    assert check_config.main() == 0


def test_a_nats_url_may_name_every_node_of_a_cluster():
    assert servers("nats://a:4222, nats://b:4222,nats://c:4222") == ["nats://a:4222", "nats://b:4222",
                                                                      "nats://c:4222"]
    assert servers("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]
