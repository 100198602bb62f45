"""Production's configuration: NATS permissions keep up with the consumers the code declares and
the relays' pokes, and every gunicorn shares its workers' metrics."""
from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from deploy.nats import check_config
from services.common.bus import relay_wake_subject, servers
from services.common.config import ROOT

pytestmark = pytest.mark.unit
SHIPPED = check_config.CONFIG.read_text()
RELAYS = ("identity", "orgs", "billing")  # the services whose web processes commit events


def with_user_changed(user: str, old: str, new: str, text: str = SHIPPED) -> str:
    """custodian.conf with `old` replaced by `new` in `user`'s entry only."""
    start = text.index(f"user: {user}\n")
    end = text.find("user:", start + 1)
    entry = text[start:end]
    assert old in entry, f"{old!r} is not in {user}'s entry"
    return text[:start] + entry.replace(old, new, 1) + text[end:]


def test_every_workers_nats_user_may_do_what_its_consumers_need():
    assert check_config.problems(SHIPPED) == []
    assert check_config.main() == 0


def test_the_check_runs_from_a_coroutine_as_nats_init_runs_it():
    async def nats_init():  # deploy/nats/jetstream_init.py calls check_config.main() inside its own loop
        return check_config.main()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:  # a loop of the test's own
        assert thread.submit(asyncio.run, nats_init()).result() == 0


@pytest.mark.parametrize("service", RELAYS)
def test_a_web_process_refused_its_poke_is_named(service):
    poke = relay_wake_subject(service)
    config = with_user_changed("web", f'"{poke}"', "")
    assert check_config.problems(config) == [
        f'web may not publish to "{poke}": add it to its publish allow list']


@pytest.mark.parametrize("service", RELAYS)
def test_a_worker_refused_its_relays_poke_is_named(service):
    poke = relay_wake_subject(service)
    config = with_user_changed(f"{service}-worker", f', "{poke}"', "")
    assert check_config.problems(config) == [
        f'{service}-worker may not subscribe to "{poke}": add it to its subscribe allow list']


def test_only_the_relays_that_exist_are_poked_and_each_worker_hears_only_its_own():
    web_pokes_audit = with_user_changed("web", f'"{relay_wake_subject("billing")}"',
                                        f'"{relay_wake_subject("billing")}" "{relay_wake_subject("audit")}"')
    assert check_config.problems(web_pokes_audit) == [
        f'web may publish to "{relay_wake_subject("audit")}", which its processes do not need: '
        "remove it from its publish allow list"]
    web_pokes_any = with_user_changed("web", f'"{relay_wake_subject("billing")}"', '"custodian.outbox.*"')
    assert 'web may publish to "custodian.outbox.*", which its processes do not need: ' \
           "remove it from its publish allow list" in check_config.problems(web_pokes_any)
    hears_orgs = with_user_changed("identity-worker", f'"{relay_wake_subject("identity")}"',
                                   f'"{relay_wake_subject("identity")}", "{relay_wake_subject("orgs")}"')
    assert check_config.problems(hears_orgs) == [
        f'identity-worker may subscribe to "{relay_wake_subject("orgs")}", which its processes do not need: '
        "remove it from its subscribe allow list"]
    audit_hears = with_user_changed("audit-worker", '"custodian.outbox.audit"]', '"custodian.outbox.audit", "custodian.>"]')
    assert check_config.problems(audit_hears) == [
        'audit-worker may subscribe to "custodian.>", which its processes do not need: '
        "remove it from its subscribe allow list"]


def test_a_durable_of_several_subjects_is_created_on_a_subject_naming_no_filter():
    # nats.py's add_consumer with filter_subjects: $JS.API.CONSUMER.CREATE.<stream>.<name>, no filter suffix.
    needs = check_config.required("identity")
    creates = {subject for subject in needs.publish if subject.startswith("$JS.API.CONSUMER.CREATE.ORGS.")}
    assert creates == {"$JS.API.CONSUMER.CREATE.ORGS.identity-mail"}
    assert {"$JS.API.CONSUMER.INFO.ORGS.identity-mail", "$JS.API.CONSUMER.MSG.NEXT.ORGS.identity-mail",
            "$JS.ACK.ORGS.identity-mail.>"} <= needs.publish
    config = with_user_changed("identity-worker", '"$JS.API.CONSUMER.CREATE.ORGS.identity-mail"\n', "")
    assert check_config.problems(config) == [
        'identity-worker may not publish to "$JS.API.CONSUMER.CREATE.ORGS.identity-mail": '
        "add it to its publish allow list"]


def test_a_durable_of_one_subject_is_created_on_a_subject_naming_its_filter():
    needs = check_config.required("billing")
    assert "$JS.API.CONSUMER.CREATE.ORGS.billing-seats.orgs.org.seats.changed" in needs.publish
    config = with_user_changed("billing-worker", '"$JS.API.CONSUMER.CREATE.ORGS.billing-seats.>"\n', "")
    assert check_config.problems(config) == [
        'billing-worker may not publish to "$JS.API.CONSUMER.CREATE.ORGS.billing-seats.orgs.org.seats.changed": '
        "add it to its publish allow list"]


def test_a_permission_covers_the_subjects_its_wildcards_stand_for():
    assert check_config.covers("$JS.ACK.ORGS.x.>", "$JS.ACK.ORGS.x.>")
    assert check_config.covers("a.>", "a.b.c") and not check_config.covers("a.>", "a")
    assert check_config.covers("a.*.c", "a.b.c") and not check_config.covers("a.*", "a.>")
    assert not check_config.covers("a.b", "a.b.c") and not check_config.covers("a.b.c", "a.b")
    assert check_config.covers("_INBOX.>", "_INBOX.x.*")


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


def test_audits_relay_may_publish_the_copies_and_make_their_stream():
    needs = check_config.required("audit")
    assert {"providers.>", "$JS.API.STREAM.CREATE.PROVIDER_EVENTS", "$JS.API.STREAM.INFO.PROVIDER_EVENTS",
            "$JS.API.STREAM.UPDATE.PROVIDER_EVENTS"} <= needs.publish
    assert relay_wake_subject("audit") in needs.subscribe
    refused = with_user_changed("audit-worker", '"providers.>"', "")
    assert check_config.problems(refused) == [
        'audit-worker may not publish to "providers.>": add it to its publish allow list']


def test_the_gateway_streams_through_filtered_consumers_only():
    needs = check_config.gateway_events_needs()
    assert needs.publish == {"$JS.API.STREAM.INFO.PROVIDER_EVENTS",
                             "$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.*.providers.*.>",
                             "$JS.API.CONSUMER.MSG.NEXT.PROVIDER_EVENTS.*", "$JS.API.CONSUMER.DELETE.PROVIDER_EVENTS.*"}


@pytest.mark.parametrize("widened, why", [
    ('"$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.*"', "$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.sse-x"),
    ('"$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.>"', "$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.sse-x"),
    ('"$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.*.>"', "$JS.API.CONSUMER.CREATE.PROVIDER_EVENTS.sse-x.providers.>"),
    ('"$JS.API.DIRECT.GET.PROVIDER_EVENTS.>"', "$JS.API.DIRECT.GET.PROVIDER_EVENTS.providers.x.orgs.y"),
    ('"$JS.API.STREAM.MSG.GET.PROVIDER_EVENTS"', "$JS.API.STREAM.MSG.GET.PROVIDER_EVENTS"),
    ('"providers.>"', "providers.x.orgs.org.created")])
def test_an_unfiltered_consumer_or_a_read_by_sequence_for_the_gateway_is_refused(widened, why):
    config = with_user_changed("gateway-events", '"$JS.API.STREAM.INFO.PROVIDER_EVENTS"',
                               f'"$JS.API.STREAM.INFO.PROVIDER_EVENTS" {widened}')
    found = check_config.problems(config)
    assert any(f'may publish to {widened}, which lets it publish "{why}"' in problem for problem in found), found
