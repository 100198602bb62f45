"""ADR 27's guards, read from the code: one way for provider staff into a client, every org-key column known
to rotation, and a wrapped org key checked against the organization's key pair before use."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gateway import keyring
from gateway.crypto import KeyPair, SymmetricKey
from services.orgs.models import ORG_KEY_HOLDERS, OrgsTable

DOMAIN = Path(__file__).resolve().parents[2] / "services" / "orgs" / "domain"
LINKED = {"ProviderUser", "ProviderOrganization"}


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def joins_staff_to_clients(source: str) -> list[int]:
    """Lines where a query joins provider users to client links (a join, or a comparison in a where)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("join", "outerjoin", "join_from"):
            if LINKED <= _names(ast.Module(body=[ast.Expr(a) for a in node.args], type_ignores=[])):
                found.append(node.lineno)
        elif isinstance(node, ast.Compare) and LINKED <= _names(node):
            found.append(node.lineno)
    return found


def test_only_client_staff_decides_whether_provider_staff_reach_a_client():
    offenders = {path.name: lines for path in DOMAIN.glob("*.py") if path.name != "access.py"
                 and (lines := joins_staff_to_clients(path.read_text()))}
    assert offenders == {}, "call access.client_staff (ADR 27) instead of joining ProviderUser to ProviderOrganization"
    assert joins_staff_to_clients((DOMAIN / "access.py").read_text())  # the scan sees the one that exists


def test_the_scan_catches_a_join_and_a_where():
    assert joins_staff_to_clients("select(ProviderUser).join(ProviderOrganization, "
                                  "ProviderOrganization.provider_id == ProviderUser.provider_id)")
    assert joins_staff_to_clients("select(A).where(ProviderUser.provider_id == ProviderOrganization.provider_id)")
    assert not joins_staff_to_clients("select(ProviderUser).where(ProviderUser.id == x)")


def test_every_org_key_column_is_a_holder_that_rotation_rewraps():
    columns = {f"{table.name}.{column.name}" for table in OrgsTable.metadata.tables.values()
               for column in table.columns if "org_key" in column.name}
    holders = {f"{column.table.name}.{column.name}" for column in (c.property.columns[0] for c in ORG_KEY_HOLDERS)}
    assert columns == holders
    assert holders == {"members.wrapped_org_key", "provider_organizations.encrypted_org_key",
                       "provider_user_clients.wrapped_org_key"}


@pytest.fixture(scope="module")
def organization():
    org_key, pair = SymmetricKey.generate(), KeyPair.generate()
    member = KeyPair.generate()
    keys = keyring.UnlockedKeys.of(SymmetricKey.generate(), member)
    return org_key, pair, member, keys


def test_a_wrapped_org_key_opens_only_when_it_matches_the_organizations_key_pair(organization):
    org_key, pair, member, keys = organization
    sealed_private = org_key.encrypt(pair.private_key_der())
    granted = keyring.wrap_org_key(org_key, member.public_key_b64)
    assert keyring.open_wrapped_org_key(granted, keys, sealed_private, pair.public_key_b64).raw == org_key.raw
    wrong = keyring.wrap_org_key(SymmetricKey.generate(), member.public_key_b64)  # an admin wrapped a wrong key
    with pytest.raises(ValueError):
        keyring.open_wrapped_org_key(wrong, keys, sealed_private, pair.public_key_b64)
    other_pair = KeyPair.generate()
    with pytest.raises(ValueError):  # the right key, but another organization's key pair
        keyring.open_wrapped_org_key(granted, keys, org_key.encrypt(other_pair.private_key_der()),
                                     pair.public_key_b64)


def test_the_key_fingerprint_is_the_sha256_of_the_public_key(organization):
    _org_key, _pair, member, _keys = organization
    assert len(keyring.key_fingerprint(member.public_key_b64)) == 64
    assert keyring.key_fingerprint(member.public_key_b64) != keyring.key_fingerprint(KeyPair.generate().public_key_b64)
