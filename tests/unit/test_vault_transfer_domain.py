"""Rules of folders, favourites, and importing and exporting an organization's items, in orgs."""
from __future__ import annotations

import pytest
from sqlmodel import select

from gateway.crypto import SymmetricKey
from services.common.errors import Forbidden, Invalid, NotFound
from services.orgs import domain
from services.orgs.models import Cipher, Collection, OutboxMessage
from tests.unit.orgs_support import CONTEXT, member_with

pytestmark = pytest.mark.unit
KEY = SymmetricKey.generate()


def note(name: str) -> dict:
    return {"name": KEY.encrypt_text(name), "notes": KEY.encrypt_text("body")}


@pytest.fixture
def org_with_collection(uow, client):
    staff, org = client
    with uow() as unit:
        collection = domain.save_collection(unit, staff, org, None, KEY.encrypt_text("Ops"), [], CONTEXT)
    return staff, org, collection.id


def test_an_import_stores_every_item_and_creates_the_collections_it_names_in_one_go(uow, org_with_collection):
    staff, org, ops = org_with_collection
    items = [domain.ImportedItem("login", note("VPN"), [], [0]), domain.ImportedItem("note", note("Runbook"), [ops]),
             domain.ImportedItem("note", note("Loose"))]
    with uow() as unit:
        assert domain.import_org_items(unit, staff, org, ops, [KEY.encrypt_text("Clients/Acme")], items,
                                       CONTEXT) == 3
    with uow() as unit:
        found = domain.list_org_items(unit, staff, org)
        assert len(found) == 3 and all(ops in v.collection_ids for v in found)
        acme = unit.first(select(Collection).where(Collection.organization_id == org, Collection.id != ops))
        assert KEY.decrypt_text(acme.encrypted_name) == "Clients/Acme"
        assert [v for v in found if acme.id in v.collection_ids][0].item.type == "login"
        kinds = [m.subject.split(".", 1)[1] for m in unit.scalars(select(OutboxMessage))]
        assert kinds.count("org.items.imported") == 1 and "org.item.created" not in kinds


@pytest.mark.parametrize("bad", [
    {"name": "plain text"},                        # not sealed
    {"name": "2.only-one-part"},                    # not even a well-formed EncString
    {"name": None, "login": {"uris": [{"uri": "https://x", "match": "domain"}]}},
])
def test_one_bad_entry_refuses_the_whole_import_and_names_it(uow, org_with_collection, bad):
    staff, org, ops = org_with_collection
    items = [domain.ImportedItem("note", note(f"Good {n}")) for n in range(5)] + [domain.ImportedItem("note", bad)]
    with uow() as unit, pytest.raises(Invalid, match="^Entry 6: "):
        domain.import_org_items(unit, staff, org, ops, [KEY.encrypt_text("New")], items, CONTEXT)
    with uow() as unit:
        assert unit.scalars(select(Cipher)).all() == []
        assert len(unit.scalars(select(Collection)).all()) == 1  # "New" was not created either


def test_an_import_needs_the_import_permission_a_destination_and_known_collections(uow, org_with_collection):
    staff, org, ops = org_with_collection
    plain_user = member_with(uow, org, "user")
    importer = member_with(uow, org, "custom", ["access_import_export"])
    with uow() as unit, pytest.raises(Forbidden):
        domain.import_org_items(unit, plain_user.user_id, org, ops, [], [domain.ImportedItem("note", note("x"))],
                                CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):  # may import, but may not edit Ops
        domain.import_org_items(unit, importer.user_id, org, ops, [], [domain.ImportedItem("note", note("x"))],
                                CONTEXT)
    with uow() as unit, pytest.raises(Invalid, match="choose a collection"):
        domain.import_org_items(unit, staff, org, None, [], [domain.ImportedItem("note", note("x"))], CONTEXT)
    with uow() as unit, pytest.raises(Invalid, match="collection"):
        domain.import_org_items(unit, staff, org, None, [], [domain.ImportedItem("note", note("x"), ["nope"])],
                                CONTEXT)
    with uow() as unit, pytest.raises(Invalid, match="no items"):
        domain.import_org_items(unit, staff, org, ops, [], [], CONTEXT)
    with uow() as unit, pytest.raises(NotFound):
        domain.import_org_items(unit, "stranger", org, ops, [], [domain.ImportedItem("note", note("x"))], CONTEXT)


def test_a_custom_importer_manages_the_collections_their_import_creates(uow, org_with_collection):
    _staff, org, _ops = org_with_collection
    importer = member_with(uow, org, "custom", ["access_import_export", "create_collections"])
    with uow() as unit:
        domain.import_org_items(unit, importer.user_id, org, None, [KEY.encrypt_text("Mine")],
                                [domain.ImportedItem("note", note("x"), [], [0])], CONTEXT)
    with uow() as unit:
        [seen] = domain.list_org_items(unit, importer.user_id, org)
        assert seen.permission == "manage"


def test_an_export_is_of_what_the_exporter_sees_and_is_logged(uow, org_with_collection):
    staff, org, ops = org_with_collection
    with uow() as unit:
        domain.save_org_item(unit, staff, org, None, "note", note("Runbook"), [ops], CONTEXT)
    with uow() as unit:
        items, collections = domain.export_org_items(unit, staff, org, CONTEXT)
        assert [KEY.decrypt_text(v.item.data["name"]) for v in items] == ["Runbook"]
        assert [c.id for c in collections] == [ops]
        assert "org.vault.exported" in [m.subject.split(".", 1)[1] for m in unit.scalars(select(OutboxMessage))]
    with uow() as unit, pytest.raises(Forbidden):
        domain.export_org_items(unit, member_with(uow, org, "user").user_id, org, CONTEXT)


def test_folders_and_favourites_are_each_persons_own(uow, org_with_collection):
    staff, org, ops = org_with_collection
    someone = member_with(uow, org, "user")
    with uow() as unit:
        folder = domain.save_folder(unit, staff, None, KEY.encrypt_text("Work"))
    with uow() as unit:
        mine = domain.save_personal_item(unit, staff, None, "note", note("Diary"), folder.id)
    with uow() as unit, pytest.raises(Invalid):  # someone else's folder
        domain.save_personal_item(unit, someone.user_id, None, "note", note("x"), folder.id)
    with uow() as unit:
        shared = domain.save_org_item(unit, staff, org, None, "note", note("Shared"), [ops], CONTEXT)
    with uow() as unit:
        domain.mark_favorite(unit, staff, mine.id, True)
    with uow() as unit:
        domain.mark_favorite(unit, staff, shared.id, True)
    with uow() as unit, pytest.raises(NotFound):  # not theirs to see
        domain.mark_favorite(unit, someone.user_id, mine.id, True)
    with uow() as unit:
        assert [p.favorite for p in domain.list_personal_items(unit, staff)] == [True]
        assert domain.list_org_items(unit, staff, org)[0].favorite
        domain.delete_folder(unit, staff, folder.id)
    with uow() as unit:
        assert domain.personal_item(unit, staff, mine.id).item.folder_id is None
        assert domain.list_folders(unit, staff) == []
    with uow() as unit, pytest.raises(NotFound):
        domain.delete_folder(unit, someone.user_id, folder.id)
