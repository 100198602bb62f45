"""The permission table as a matrix, over HTTP against the running orgs service.

Every role (Owner, Admin, User, Custom with each single permission, Provider Admin, Service
User, a revoked Admin) tries every action on every rank of target. What it should get is
read from the table (`services.orgs.domain.permissions`); what it gets is what the running
service answers. A refused cell must also change nothing. Each test lists every cell that
disagrees, so one run shows every gap.

Members are placed through orgs' own API: invited by the provider's admin, accepted with
the statement identity signs when an invitation link is opened (signed here with the test
system's internal secret), and confirmed with a wrapped key. Nobody here needs a master
password, so hundreds of cells stay fast.
"""
from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass

import pytest

from services.common.internal_auth import Caller, ClaimSigner
from services.common.internal_http import ServiceError
from services.orgs.domain.permissions import ORGANIZATION_ACTIONS, PERMISSIONS, Standing
from tests.support import Visitor, new_provider_admin, service_backends

PASSWORD = "matrix-of-every-role-77"
ALLOWED, REFUSED = "allowed", "refused"


def _b64(size: int = 32) -> str:
    return base64.b64encode(os.urandom(size)).decode()


def wrapped_key() -> str:
    return "4." + _b64(256)


def sealed_name() -> str:
    return f"2.{_b64(16)}|{_b64(32)}|{_b64(32)}"


def caller(user_id: str) -> Caller:
    return Caller(by="gateway", actor_id=user_id, request_id=uuid.uuid4().hex)


def outcome(call) -> str:
    """Whether the service did what was asked (2xx) or refused it (403, or 404 for someone who may not know)."""
    try:
        call()
    except ServiceError as error:
        if error.status in (403, 404):
            return REFUSED
        raise AssertionError(f"neither allowed nor refused: {error.status} {error.message}") from error
    return ALLOWED


class Gaps(list):
    """Every cell where the running service disagrees with the table."""

    def check(self, cell: str, expected: str, call) -> str:
        """Make the call; note the cell when its outcome is not the expected one; return the outcome."""
        got = outcome(call)
        if got != expected:
            self.append(f"{cell}: expected {expected}, got {got}")
        return got

    def assert_none(self) -> None:
        assert not self, "\n".join(self)


@dataclass
class Person:
    """Someone in the matrix: who they are to orgs, and where the table says they stand."""

    label: str
    user_id: str
    standing: Standing | None  # None for a revoked member: nothing is allowed
    member_id: str | None = None


class Organization:
    """A client organization of a provider, with members placed through orgs' API."""

    def __init__(self, system, admin, provider_id: str, organization_id: str):
        self.orgs = service_backends(system).orgs
        self.proofs = ClaimSigner(system.settings("orgs").internal_secret, "invitation")
        self.admin, self.provider_id, self.id = admin, provider_id, organization_id
        self.path = f"/organizations/{organization_id}"

    def place(self, label: str, role: str, permissions=(), enrol: bool = True) -> Person:
        """Invite, accept and confirm someone as `role` (enrolled in account recovery unless told)."""
        email, user_id = f"{label}-{uuid.uuid4().hex[:8]}@matrix.example", str(uuid.uuid4())
        member = self.orgs.post(f"{self.path}/members", self.admin.caller(), {
            "emails": email, "role": role, "permissions": list(permissions)})["members"][0]
        member_path = f"{self.path}/members/{member['member_id']}"
        proof = self.proofs.sign({"member_id": member["member_id"], "user_id": user_id, "email": email})
        self.orgs.post(member_path + "/accept", caller(user_id), {"proof": proof, "name": label})
        self.orgs.post(member_path + "/confirm", self.admin.caller(), {"wrapped_org_key": wrapped_key()})
        if enrol:
            self.orgs.call("PUT", f"{self.path}/recovery/enrolment", caller(user_id),
                           json={"reset_password_key": wrapped_key()})
        return Person(label, user_id, Standing.of(role, permissions), member["member_id"])

    def member(self, member_id: str) -> dict:
        return self.orgs.get(f"{self.path}/members/{member_id}", self.admin.caller())

    def member_count(self) -> int:
        """Every member, whatever their status, over every page of the Members table."""
        count, cursor = 0, ""
        while True:
            found = self.orgs.get(f"{self.path}/members", self.admin.caller(), after=cursor)
            count += len(found["members"])
            cursor = found["next"]
            if not cursor:
                return count

    def new_collection(self, access=()) -> str:
        return self.orgs.post(f"{self.path}/collections", self.admin.caller(), {
            "encrypted_name": sealed_name(), "access": list(access)})["collection_id"]

    def collection_ids(self) -> set[str]:
        return {c["collection_id"] for c in self.orgs.get(f"{self.path}/collections", self.admin.caller())["collections"]}


@pytest.fixture(scope="module")
def matrix(system):
    """A client organization with one person per role, and the targets of each rank."""
    email = f"matrix-{uuid.uuid4().hex[:8]}@tests.example"
    admin, provider_id = new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url)
    visitor.log_in(email, PASSWORD)
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Matrix Co", "plan": "Enterprise", "seats": "200", "owner_email": f"boss-{email}",
        "billing_email": f"billing-{email}"})
    orgs = service_backends(system).orgs
    organization_id = orgs.get(f"/providers/{provider_id}/clients", admin.caller())["clients"][0]["organization_id"]
    org = Organization(system, admin, provider_id, organization_id)
    orgs.call("PUT", f"{org.path}/policies/account_recovery", admin.caller(), json={"enabled": True, "settings": {}})

    service_user = str(uuid.uuid4())
    orgs.post(f"/providers/{provider_id}/users", admin.caller(), {
        "user_id": service_user, "email": f"service-{email}", "role": "service_user",
        "wrapped_provider_key": wrapped_key()})
    # Service Users limited to chosen clients (ADR 27): one given this client, one not (404 everywhere).
    scoped = {}
    for label, grants in (("scoped-granted", {organization_id: wrapped_key()}), ("scoped-not-granted", {})):
        scoped[label] = str(uuid.uuid4())
        row = orgs.post(f"/providers/{provider_id}/users", admin.caller(), {
            "user_id": scoped[label], "email": f"{label}-{email}", "role": "service_user",
            "wrapped_provider_key": wrapped_key()})
        orgs.call("PUT", f"/providers/{provider_id}/staff/{row['provider_user_id']}/scope", admin.caller(),
                  json={"scoped": True, "add": grants, "remove": []})
    actors = [org.place("owner", "owner"), org.place("admin", "admin"), org.place("user", "user"),
              *(org.place(f"custom-{p}", "custom", [p]) for p in PERMISSIONS),
              Person("provider-admin", admin.user_id, Standing.of("provider_admin")),
              Person("service-user", service_user, Standing.of("provider_service_user")),
              Person("scoped-granted", scoped["scoped-granted"], Standing.of("provider_service_user")),
              Person("scoped-not-granted", scoped["scoped-not-granted"], None)]
    revoked = org.place("revoked-admin", "admin")
    orgs.post(f"{org.path}/members/{revoked.member_id}/revoke", admin.caller())
    actors.append(Person("revoked-admin", revoked.user_id, None, revoked.member_id))
    targets = [org.place("target-owner", "owner"), org.place("target-admin", "admin"),
               org.place("target-user", "user"), org.place("target-custom-small", "custom", ["access_reports"]),
               org.place("target-custom-big", "custom", PERMISSIONS)]
    return org, actors, targets


def _allowed(person: Person, rule) -> str:
    return ALLOWED if person.standing is not None and rule(person.standing) else REFUSED


def test_every_role_reaches_exactly_the_organization_pages_the_table_allows(matrix):
    org, actors, targets = matrix
    enrolled_user = next(t for t in targets if t.label == "target-user")
    probes = {  # one read that only the action's permission opens
        "manage_members": lambda who: org.orgs.get(f"{org.path}/members", caller(who.user_id)),
        "manage_groups": lambda who: org.orgs.get(f"{org.path}/groups", caller(who.user_id)),
        "manage_collections": lambda who: org.orgs.get(f"{org.path}/collections", caller(who.user_id)),
        "manage_policies": lambda who: org.orgs.get(f"{org.path}/policies", caller(who.user_id)),
        "recover_accounts": lambda who: org.orgs.get(f"{org.path}/members/{enrolled_user.member_id}/recovery",
                                                     caller(who.user_id)),
        "import_export": lambda who: org.orgs.post(f"{org.path}/export", caller(who.user_id), {}),
    }
    assert set(probes) | {"create_collections", "delete_collections", "read_event_logs", "read_reports"} \
        == set(ORGANIZATION_ACTIONS), "every action of the table has a probe here or a test of its own"
    gaps = Gaps()
    for who in actors:
        for action, probe in probes.items():
            gaps.check(f"{who.label} {action}", _allowed(who, lambda s: s.may(action)), lambda: probe(who))
    gaps.assert_none()


def test_every_role_creates_and_deletes_collections_exactly_as_the_table_allows(matrix):
    org, actors, _targets = matrix
    gaps = Gaps()
    for who in actors:
        before = org.collection_ids()
        got = gaps.check(f"{who.label} creates a collection", _allowed(who, lambda s: s.may("create_collections")),
                         lambda: org.orgs.post(f"{org.path}/collections", caller(who.user_id),
                                               {"encrypted_name": sealed_name(), "access": []}))
        if got == REFUSED and org.collection_ids() != before:
            gaps.append(f"{who.label} creates a collection: refused, yet a collection appeared")
        doomed = org.new_collection()
        got = gaps.check(f"{who.label} deletes a collection", _allowed(who, lambda s: s.may("delete_collections")),
                         lambda: org.orgs.call("DELETE", f"{org.path}/collections/{doomed}", caller(who.user_id)))
        if got == REFUSED and doomed not in org.collection_ids():
            gaps.append(f"{who.label} deletes a collection: refused, yet the collection is gone")
    gaps.assert_none()


def test_every_role_manages_and_recovers_exactly_the_ranks_the_table_allows(matrix):
    org, actors, targets = matrix
    gaps = Gaps()
    for who in actors:
        for target in targets:
            path = f"{org.path}/members/{target.member_id}"
            before = org.member(target.member_id)
            manages = _allowed(who, lambda s: s.may_manage(target.standing))
            same_type = {"role": before["role"], "permissions": before["permissions"]}
            gaps.check(f"{who.label} edits {target.label}", manages,
                       lambda: org.orgs.call("PUT", path + "/role", caller(who.user_id), json=same_type))
            if gaps.check(f"{who.label} revokes {target.label}", manages,
                          lambda: org.orgs.post(path + "/revoke", caller(who.user_id))) == ALLOWED:
                org.orgs.post(path + "/restore", org.admin.caller())
            if org.member(target.member_id) != before:
                gaps.append(f"{who.label} on {target.label}: the member changed")
            gaps.check(f"{who.label} recovers {target.label}", _allowed(who, lambda s: s.may_recover(target.standing)),
                       lambda: org.orgs.get(path + "/recovery", caller(who.user_id)))
    gaps.assert_none()


def test_every_role_grants_exactly_what_the_table_allows(matrix):
    org, actors, _targets = matrix
    gaps = Gaps()
    for who in actors:
        held = sorted(who.standing.permissions) if who.standing and who.standing.role == "custom" else []
        lacking = next(p for p in PERMISSIONS if p not in held)
        grants = [("owner", []), ("admin", []), ("user", []), ("custom", held or ["access_reports"]),
                  ("custom", sorted({*held, lacking}))]
        for role, permissions in grants:
            count, invited = org.member_count(), {}

            def invite():
                invited.update(org.orgs.post(f"{org.path}/members", caller(who.user_id), {
                    "emails": f"granted-{uuid.uuid4().hex[:8]}@matrix.example", "role": role,
                    "permissions": permissions})["members"][0])
            cell = f"{who.label} invites {role} {permissions}"
            if gaps.check(cell, _allowed(who, lambda s: s.may("manage_members") and s.may_grant(role, permissions)),
                          invite) == ALLOWED:
                org.orgs.call("DELETE", f"{org.path}/members/{invited['member_id']}", org.admin.caller())
            elif org.member_count() != count:
                gaps.append(f"{cell}: refused, yet someone was invited")
    gaps.assert_none()


def test_a_custom_member_gives_access_only_to_collections_it_manages(matrix):
    org, _actors, _targets = matrix
    manager = org.place("collection-keeper", "custom", ["manage_users", "manage_groups"])
    mine = org.new_collection([{"member_id": manager.member_id, "permission": "manage"}])
    theirs = org.new_collection()
    count = org.member_count()

    def invite(collection_id: str):
        return org.orgs.post(f"{org.path}/members", caller(manager.user_id), {
            "emails": f"granted-{uuid.uuid4().hex[:8]}@matrix.example", "role": "user",
            "collection_access": [{"collection_id": collection_id, "permission": "manage"}]})
    assert outcome(lambda: invite(theirs)) == REFUSED
    assert org.member_count() == count
    invited = invite(mine)["members"][0]
    assert org.member_count() == count + 1

    # A group reaching a collection the Custom member does not manage cannot be joined through it.
    group = org.orgs.post(f"{org.path}/groups", org.admin.caller(), {"name": f"Ops {uuid.uuid4().hex[:4]}"})
    org.orgs.call("PUT", f"{org.path}/collections/{theirs}", org.admin.caller(), json={
        "encrypted_name": sealed_name(), "access": [{"group_id": group["group_id"], "permission": "edit"}]})
    refused = outcome(lambda: org.orgs.call("PUT", f"{org.path}/groups/{group['group_id']}",
                                            caller(manager.user_id),
                                            json={"name": group["name"], "member_ids": [invited["member_id"]]}))
    assert refused == REFUSED
    groups = org.orgs.get(f"{org.path}/groups", org.admin.caller())["groups"]
    assert next(g for g in groups if g["group_id"] == group["group_id"])["member_ids"] == []


# The four escalations the review found, each as one sentence against the running service.

def test_a_custom_member_with_manage_users_cannot_invite_someone_with_a_permission_it_lacks(matrix):
    org, actors, _targets = matrix
    manager = next(a for a in actors if a.label == "custom-manage_users")
    count = org.member_count()
    for role, permissions in (("custom", ["manage_all_collections"]), ("admin", []), ("owner", [])):
        assert outcome(lambda: org.orgs.post(f"{org.path}/members", caller(manager.user_id), {
            "emails": f"climber-{uuid.uuid4().hex[:6]}@matrix.example", "role": role,
            "permissions": permissions})) == REFUSED
    assert org.member_count() == count


def test_a_custom_member_with_account_recovery_cannot_recover_an_admin(matrix):
    org, actors, targets = matrix
    recoverer = next(a for a in actors if a.label == "custom-manage_account_recovery")
    admin = next(t for t in targets if t.label == "target-admin")
    user = next(t for t in targets if t.label == "target-user")
    assert outcome(lambda: org.orgs.get(f"{org.path}/members/{admin.member_id}/recovery",
                                        caller(recoverer.user_id))) == REFUSED
    assert outcome(lambda: org.orgs.get(f"{org.path}/members/{user.member_id}/recovery",
                                        caller(recoverer.user_id))) == ALLOWED


def test_can_edit_except_passwords_cannot_be_undone_by_moving_the_item(matrix):
    org, _actors, _targets = matrix
    member = org.place("mover", "user", enrol=False)
    hidden = org.new_collection([{"member_id": member.member_id, "permission": "edit_except_passwords"}])
    open_ = org.new_collection([{"member_id": member.member_id, "permission": "edit"}])
    item = org.orgs.post(f"{org.path}/items", org.admin.caller(), {
        "type": "login", "data": {"name": sealed_name(), "login": {"password": sealed_name()}},
        "collection_ids": [hidden]})
    item_id = item["item_id"]
    stored = org.orgs.get(f"{org.path}/items/{item_id}", org.admin.caller())
    for collection_ids in ([open_], [hidden, open_]):
        assert outcome(lambda: org.orgs.call("PUT", f"{org.path}/items/{item_id}", caller(member.user_id), json={
            "type": "login", "data": stored["data"], "collection_ids": collection_ids})) == REFUSED
    assert org.orgs.get(f"{org.path}/items/{item_id}", org.admin.caller())["collection_ids"] == [hidden]
    # Editing where it is stays allowed (the gateway keeps the hidden password as it was).
    assert outcome(lambda: org.orgs.call("PUT", f"{org.path}/items/{item_id}", caller(member.user_id), json={
        "type": "login", "data": stored["data"], "collection_ids": [hidden]})) == ALLOWED


def test_a_service_user_administers_a_client_but_cannot_create_reseat_or_unlink_clients(matrix):
    org, actors, _targets = matrix
    service_user = next(a for a in actors if a.label == "service-user")
    clients = f"/providers/{org.provider_id}/clients"
    before = org.orgs.get(f"{clients}/{org.id}", org.admin.caller())
    assert outcome(lambda: org.orgs.call("PUT", f"{clients}/{org.id}/seats", caller(service_user.user_id),
                                         json={"seats": 150})) == REFUSED
    assert outcome(lambda: org.orgs.call("DELETE", f"{clients}/{org.id}", caller(service_user.user_id))) == REFUSED
    count = org.orgs.get(clients, org.admin.caller())["total"]
    assert outcome(lambda: org.orgs.post(clients, caller(service_user.user_id), {
        "name": f"Side Client {uuid.uuid4().hex[:4]}", "plan": "Teams", "seats": 5,
        "owner_email": "side-owner@matrix.example", "billing_email": "side-billing@matrix.example",
        "public_key": _b64(294), "encrypted_private_key": sealed_name(), "encrypted_org_key": sealed_name()})) == REFUSED
    assert org.orgs.get(clients, org.admin.caller())["total"] == count
    assert org.orgs.get(f"{clients}/{org.id}", org.admin.caller()) == before
    assert outcome(lambda: org.orgs.get(f"{org.path}/members", caller(service_user.user_id))) == ALLOWED


def test_a_scoped_service_user_not_given_the_client_gets_404_everywhere_and_changes_nothing(matrix):
    org, actors, targets = matrix
    outsider = next(a for a in actors if a.label == "scoped-not-granted")
    target = next(t for t in targets if t.label == "target-user")
    before, count = org.member(target.member_id), org.member_count()
    calls = [lambda: org.orgs.get(org.path, caller(outsider.user_id)),
             lambda: org.orgs.get(f"{org.path}/members", caller(outsider.user_id)),
             lambda: org.orgs.post(f"{org.path}/members/{target.member_id}/revoke", caller(outsider.user_id)),
             lambda: org.orgs.post(f"{org.path}/members", caller(outsider.user_id), {
                 "emails": f"sneak-{uuid.uuid4().hex[:6]}@matrix.example", "role": "user", "permissions": []}),
             lambda: org.orgs.get(f"/providers/{org.provider_id}/clients/{org.id}", caller(outsider.user_id))]
    for call in calls:
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.status == 404
    assert org.member(target.member_id) == before and org.member_count() == count
    granted = next(a for a in actors if a.label == "scoped-granted")
    assert org.orgs.get(f"/providers/{org.provider_id}/clients", caller(granted.user_id))["total"] == 1
