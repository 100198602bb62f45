"""Provider-wide policies (ADR 28) against the running system: in force in every client, a floor a client
cannot lower, carried to every client once by orgs' worker (mails and revocations once, even when the
events come again), the Compliance column and its filter, and identity away while a client is applied."""
from __future__ import annotations

import time
import uuid

import nats
import pytest
from sqlalchemy import create_engine, text

from services.common.config import Settings
from services.common.consumers import apply_once
from services.common.database import UnitOfWork, make_engine
from services.common.envelope import Event
from services.common.internal_http import ServiceError
from services.orgs import models
from services.orgs.events import consumers
from gateway.crypto import wrap
from tests.conftest import TEST_SECRETS, free_port, wait_for
from tests.integration.test_two_factor import turn_on_authenticator
from tests.support import StaffedProvider, on_bus

STRICT = {"min_length": 16, "min_score": 2, "require_upper": True, "require_lower": False, "require_digits": True,
          "require_special": False}


@pytest.fixture
def msp(system):
    return StaffedProvider(system)


def put_policy(msp, path: str, enabled: bool, settings: dict | None = None, actor=None):
    return msp.backends.orgs.call("PUT", path, (actor or msp.admin).caller(),
                                  json={"enabled": enabled, "settings": settings or {}})


def provider_policy(msp, policy_type: str, enabled: bool = True, settings: dict | None = None, actor=None):
    return put_policy(msp, f"/providers/{msp.provider_id}/policies/{policy_type}", enabled, settings, actor)


def statuses(msp, client) -> dict:
    found = msp.backends.orgs.get(f"/organizations/{client.organization_id}/members", msp.admin.caller())["members"]
    return {m["email"]: m["status"] for m in found}


def clients_table(msp, **query) -> dict:
    rows = msp.backends.orgs.get(f"/providers/{msp.provider_id}/clients", msp.admin.caller(), **query)["clients"]
    return {row["name"]: row["non_compliant"] for row in rows}


def outbox(system, event_type: str, **data) -> list[Event]:
    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT payload FROM outbox WHERE subject = :s ORDER BY seq"),
                                  {"s": f"orgs.{event_type}"}).scalars().all()
    engine.dispose()
    events = [Event.from_json(bytes(row)) for row in rows]
    return [e for e in events if all(e.data.get(k) == v for k, v in data.items())]


def mails(smtp, address: str, subject: str) -> list:
    _controller, mailbox = smtp
    return [m for m in mailbox.to(address) if subject in m["Subject"]]


def test_each_provider_policy_is_in_force_in_every_client_that_set_none(system, msp):
    first, second = msp.client("Initech"), msp.client("Hooli")
    worker = msp.member(first, "worker", "user")
    orgs = msp.backends.orgs
    provider_policy(msp, "master_password", True, STRICT)
    provider_policy(msp, "account_recovery", True, {"auto_enroll": True})
    provider_policy(msp, "disable_send")
    provider_policy(msp, "send_options", True, {"disable_hide_email": True})
    # Master password: the rules the gateway checks at registration through an invitation, at log-in and at a change.
    assert orgs.get(f"/organizations/{second.organization_id}/requirements", msp.admin.caller())[
        "master_password"] == STRICT
    assert orgs.get("/me/requirements", worker.caller())["master_password"] == STRICT
    # Account recovery with automatic enrolment: shown to the member, who is enrolled on joining.
    assert [(o["organization_id"], o["auto_enroll"]) for o in orgs.get("/me/recovery", worker.caller())[
        "organizations"]] == [(first.organization_id, True)]
    # Remove Send and Send options.
    assert orgs.get("/sends/policy", worker.caller()) == {"disable_send": True, "disable_hide_email": True}
    # Two-step login: nobody without it joins a client.
    provider_policy(msp, "require_two_factor")
    assert orgs.get("/me/requirements", worker.caller())["two_factor_required_by"] == [first.organization_id]
    with pytest.raises(ServiceError) as refused:
        msp.member(second, "newcomer", "user")
    assert refused.value.status == 403 and refused.value.code == "policy.two_factor_required"
    # Each client's own policies stay as the client set them (off); the provider's show as the floor.
    own = {p["type"]: p for p in orgs.get(f"/organizations/{second.organization_id}/policies",
                                          msp.admin.caller())["policies"]}
    assert not any(p["enabled"] for p in own.values())
    assert own["master_password"]["provider"] == {"enabled": True, "settings": STRICT}


def test_a_client_cannot_lower_its_providers_floor_in_the_api_or_its_policies_page(system, msp):
    client = msp.client("Initech")
    provider_policy(msp, "master_password", True, STRICT)
    path = f"/organizations/{client.organization_id}/policies/master_password"
    for enabled, settings, code in ((True, {**STRICT, "min_length": 12}, "policy.weaker_than_provider"),
                                    (False, {}, "policy.required_by_provider")):
        with pytest.raises(ServiceError) as refused:
            put_policy(msp, path, enabled, settings)
        assert refused.value.status == 422 and refused.value.code == code
    page = msp.visitor(msp.admin)
    dialog = page.get(path)
    assert "Set by your provider: on (minimum length 16" in dialog.text
    answer = page.http.post(system.url + path, data={"enabled": "on", "min_length": "12", "min_score": "2",
                                                     "require_upper": "on", "require_digits": "on",
                                                     "csrf_token": page.csrf_token(dialog.text)})
    assert answer.status_code == 422 and "weaker than your provider" in answer.text
    own = {p["type"]: p for p in msp.backends.orgs.get(f"/organizations/{client.organization_id}/policies",
                                                       msp.admin.caller())["policies"]}
    assert not own["master_password"]["enabled"]  # nothing changed
    put_policy(msp, path, True, {**STRICT, "min_length": 20})  # stricter is taken


def test_only_the_providers_admins_reach_its_policies(system, msp):
    other = StaffedProvider(system)
    for person, status in ((msp.service_user, 403), (other.admin, 404)):
        with pytest.raises(ServiceError) as refused:
            msp.backends.orgs.get(f"/providers/{msp.provider_id}/policies", person.caller())
        assert refused.value.status == status
        with pytest.raises(ServiceError) as refused:
            provider_policy(msp, "disable_send", actor=person)
        assert refused.value.status == status
        page = msp.visitor(person).get(f"/providers/{msp.provider_id}/policies")
        assert page.status_code == status
    assert not outbox(system, "provider.policy.updated", provider_id=msp.provider_id)
    assert "Policies" in msp.visitor(msp.admin).get(f"/providers/{msp.provider_id}/policies").text


def _published_again(system, events: list[Event]) -> None:
    """Deliver `events` once more, as JetStream would after a lost ack (a new message id, so not deduplicated)."""
    async def send():
        connection = await nats.connect(system.env["NATS_URL"])
        try:
            for event in events:
                await connection.jetstream().publish(event.spec.subject, event.to_json(),
                                                     headers={"Nats-Msg-Id": str(uuid.uuid4())})
        finally:
            await connection.close()
    on_bus(send())


def _consumers_idle(system, *names: str) -> bool:
    async def ask():
        connection = await nats.connect(system.env["NATS_URL"])
        try:
            infos = [await connection.jetstream().consumer_info("ORGS", name) for name in names]
        finally:
            await connection.close()
        return all(info.num_pending == 0 and info.num_ack_pending == 0 for info in infos)
    return on_bus(ask())


def test_requiring_two_step_login_on_the_provider_revokes_in_every_client_once(system, smtp, msp):
    first, second = msp.client("Initech"), msp.client("Hooli")
    lax, admin, other = (msp.member(first, "lax", "user"), msp.member(first, "boss", "admin"),
                         msp.member(second, "other", "custom", ["manage_groups"]))
    assert clients_table(msp) == {"Hooli": 0, "Initech": 0}
    page = msp.visitor(msp.admin)
    dialog = page.get(f"/providers/{msp.provider_id}/policies/require_two_factor")
    assert "Initech: 1 member revoked, 1 owner or admin warned" in dialog.text
    assert "Hooli: 1 member revoked, 0 owners or admins warned" in dialog.text
    saved = page.http.post(f"{system.url}/providers/{msp.provider_id}/policies/require_two_factor",
                           data={"enabled": "on", "csrf_token": page.csrf_token(dialog.text)})
    assert saved.status_code == 200 and "was saved" in saved.text
    wait_for(lambda: statuses(msp, first)[lax.email] == "revoked" and statuses(msp, second)[other.email] == "revoked",
             30, message="the worker to revoke in both clients")
    assert statuses(msp, first)[admin.email] == "confirmed"
    wait_for(lambda: mails(smtp, lax.email, "was revoked") and mails(smtp, other.email, "was revoked")
             and mails(smtp, admin.email, "now requires two-step login"), 30, message="the mails")
    # Compliance: the admin kept access without two-step login; the revoked hold no seat and are not counted.
    wait_for(lambda: clients_table(msp) == {"Hooli": 0, "Initech": 1}, 30, message="the Compliance count")
    assert clients_table(msp, compliance="non_compliant") == {"Initech": 1}
    table = page.get(f"/providers/{msp.provider_id}/clients?compliance=non_compliant").text
    assert "1 member not compliant" in table and "Hooli" not in table
    # Each client's event log says the provider's policy applies to it.
    applied = outbox(system, "org.policy.applied_by_provider", provider_id=msp.provider_id)
    assert sorted(e.orgid for e in applied) == sorted([first.organization_id, second.organization_id])
    # Everything delivered again: nothing revoked, warned or mailed twice.
    updated = outbox(system, "provider.policy.updated", provider_id=msp.provider_id)
    _published_again(system, updated + applied)
    time.sleep(1)
    wait_for(lambda: _consumers_idle(system, "orgs-provider-policies", "orgs-provider-policy-clients"), 30,
             message="the redelivered events to be handled")
    time.sleep(2)  # had anything been published again, identity would mail within this
    for person, subject in ((lax, "was revoked"), (other, "was revoked"), (admin, "now requires two-step login")):
        assert len(mails(smtp, person.email, subject)) == 1, person.email
    assert len(outbox(system, "org.policy.applied_by_provider", provider_id=msp.provider_id)) == 2
    for client in (first, second):
        assert len(outbox(system, "org.member.revoked_by_policy", organization_id=client.organization_id)) == 1
    # The admin turns two-step login on: identity's event has the client counted again.
    turn_on_authenticator(msp.visitor(admin))
    wait_for(lambda: clients_table(msp) == {"Hooli": 0, "Initech": 0}, 30, message="the admin to be compliant")
    assert clients_table(msp, compliance="non_compliant") == {}


def test_members_not_enrolled_count_while_the_provider_enrols_automatically(system, msp):
    client = msp.client("Initech")
    member = msp.member(client, "worker", "user")
    provider_policy(msp, "account_recovery", True, {"auto_enroll": True})
    wait_for(lambda: clients_table(msp) == {"Initech": 1}, 30, message="the member not enrolled to be counted")
    public_key = msp.backends.orgs.get(f"/organizations/{client.organization_id}", msp.admin.caller())["public_key"]
    msp.backends.orgs.call("PUT", f"/organizations/{client.organization_id}/recovery/enrolment", member.caller(),
                           json={"reset_password_key": wrap(b"u" * 64, public_key)})
    wait_for(lambda: clients_table(msp) == {"Initech": 0}, 30, message="the enrolled member to comply")
    provider_policy(msp, "account_recovery", False)


def test_identity_away_while_a_client_is_applied_changes_nothing_until_it_answers(system, msp):
    """The worker's step for one client, run against the system's orgs database: identity unreachable
    leaves no revocation, no event and no inbox row (the message is nak'ed and comes again); answered,
    it applies once."""
    client = msp.client("Initech")
    lax = msp.member(client, "lax", "user")
    event = Event("org.policy.applied_by_provider", {
        "organization_id": client.organization_id, "provider_id": msp.provider_id, "policy": "require_two_factor",
        "enabled": True, "settings": {}, "turned_on": True}, subject=client.organization_id,
        orgid=client.organization_id, providerid=msp.provider_id, actorid=msp.admin.user_id)
    engine = make_engine(system.database_urls["orgs"])
    with UnitOfWork(engine, models.OutboxMessage) as uow:  # the provider's policy on, its fan-out not started
        uow.add(models.ProviderPolicy(provider_id=msp.provider_id, type="require_two_factor", enabled=True, settings={}))
        uow.commit()
    away = Settings.from_env("orgs", {**TEST_SECRETS, "IDENTITY_URL": f"http://127.0.0.1:{free_port()}"})
    applying = next(c for c in consumers(away) if c.name == "orgs-provider-policy-clients")
    try:
        with pytest.raises(ServiceError) as unavailable:
            apply_once(engine, models, applying, event)
        assert unavailable.value.status == 503
        assert statuses(msp, client)[lax.email] == "confirmed"
        assert not outbox(system, "org.member.revoked_by_policy", organization_id=client.organization_id)
        answering = next(c for c in consumers(system.settings("orgs")) if c.name == "orgs-provider-policy-clients")
        assert apply_once(engine, models, answering, event) is True
        assert apply_once(engine, models, answering, event) is False
    finally:
        engine.dispose()
    assert statuses(msp, client)[lax.email] == "revoked"
    assert len(outbox(system, "org.member.revoked_by_policy", organization_id=client.organization_id)) == 1
