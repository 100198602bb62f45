"""Import into an organization's vault and export it, through the gateway, against the real services."""
from __future__ import annotations

import json
import re

from sqlalchemy import create_engine, text

from gateway.transfer import parse
from tests.support import Visitor

CANARY = "Canary-Imported-Passw0rd!"
LASTPASS = ("url,username,password,totp,extra,name,grouping,fav\r\n"
            f"https://mail.example.com,ana@example.com,{CANARY},,\"multi-line\nnote, with \"\"quotes\"\"\","
            "Mail Zoë,Clients/Acme,1\r\n"
            "http://sn,,,,Secret recipe,Recipe 東京,Internal,0\r\n").encode("utf-8")


def _items_page(visitor, organization_id: str) -> str:
    return visitor.get(f"/organizations/{organization_id}/vault").text


def _post_import(visitor, system, organization_id: str, content: bytes, filename: str, intent: str, **fields):
    page = visitor.get(f"/organizations/{organization_id}/vault/import")
    data = {"csrf_token": visitor.csrf_token(page.text), "intent": intent, "format": "", "collection_id": "",
            **fields}
    return visitor.http.post(f"{system.url}/organizations/{organization_id}/vault/import", data=data,
                             files={"file": (filename, content)})


def test_a_lastpass_file_is_previewed_then_imported_into_collections_named_after_its_groups(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    preview = _post_import(visitor, system, organization_id, LASTPASS, "lastpass_export.csv", "preview")
    assert preview.status_code == 200
    assert "2 items will be imported" in preview.text and "Mail Zoë" in preview.text and "Recipe 東京" in preview.text
    assert "Recognised as LastPass (CSV) from its content." in preview.text
    assert "Mail Zoë" not in _items_page(visitor, organization_id)  # a preview saves nothing

    imported = _post_import(visitor, system, organization_id, LASTPASS, "lastpass_export.csv", "import")
    assert imported.status_code == 200 and "Mail Zoë" in imported.text  # back on the vault page
    page = _items_page(visitor, organization_id)
    assert "Mail Zoë" in page and "Recipe 東京" in page and "Clients/Acme" in page and "Internal" in page
    item_id = re.search(rf'/organizations/{organization_id}/vault/([\w\-]+)/edit', page).group(1)  # sorted: Mail first
    view = visitor.get(f"/organizations/{organization_id}/vault/{item_id}").text
    assert CANARY in view and "ana@example.com" in view and 'with "quotes"' in view.replace("&#34;", '"')

    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        for table in ("ciphers", "collections", "outbox"):
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                assert CANARY not in repr(tuple(row)) and "Mail Zoë" not in repr(tuple(row))
    engine.dispose()


def test_a_malformed_file_imports_nothing_and_says_which_line_is_wrong(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    broken = LASTPASS + b"https://x.example,bob,pw,,,,\"unclosed group\n"
    answer = _post_import(visitor, system, organization_id, broken, "lastpass.csv", "import",
                          format="lastpass_csv")
    assert answer.status_code == 422 and re.search(r"Line \d+: ", answer.text)
    assert "Mail Zoë" not in _items_page(visitor, organization_id)
    empty = _post_import(visitor, system, organization_id, b"", "empty.csv", "import")
    assert empty.status_code == 422
    unknown = _post_import(visitor, system, organization_id, b"\x00\x01 not a vault", "what.bin", "import")
    assert unknown.status_code == 422 and "not one of the formats we read" in unknown.text
    assert 'href="/training/import"' in unknown.text  # the list of formats, with how to export from each


def test_an_export_imports_again_as_the_same_items_plain_or_password_protected(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    _post_import(visitor, system, organization_id, LASTPASS, "lastpass.csv", "import")
    export_page = f"/organizations/{organization_id}/vault/export"
    plain = visitor.submit(export_page, {"format": "json"})
    assert plain.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(plain.content)
    assert sorted(i["name"] for i in document["items"]) == ["Mail Zoë", "Recipe 東京"]
    assert sorted(c["name"] for c in document["collections"]) == ["Clients/Acme", "Internal"]

    short = visitor.submit(export_page, {"format": "encrypted_json", "file_password": "short",
                                         "file_password_again": "short"})
    assert short.status_code == 422 and "at least 12" in short.text
    protected = visitor.submit(export_page, {"format": "encrypted_json", "file_password": "a file password!",
                                             "file_password_again": "a file password!"})
    assert CANARY.encode() not in protected.content and b"Mail" not in protected.content
    assert parse("bitwarden_json", protected.content, password="a file password!") == \
        parse("bitwarden_json", plain.content)

    csv_file = visitor.submit(export_page, {"format": "csv"})
    assert CANARY in csv_file.content.decode("utf-8")

    # Round trip: the export imported into the same vault gives the same items a second time.
    _post_import(visitor, system, organization_id, protected.content, "export.json", "import",
                 file_password="a file password!")
    again = json.loads(visitor.submit(export_page, {"format": "json"}).content)
    names = sorted(i["name"] for i in again["items"])
    assert names == ["Mail Zoë", "Mail Zoë", "Recipe 東京", "Recipe 東京"]
    assert sorted(c["name"] for c in again["collections"]) == ["Clients/Acme", "Internal"]  # reused, not doubled


def test_the_import_help_page_tells_each_source_how_to_export_without_logging_in(system):
    page = Visitor(system.url).get("/training/import")
    assert page.status_code == 200
    for source in ("LastPass", "Chrome", "Firefox", "1Password", "KeePass", "Dashlane", "Bitwarden"):
        assert source in page.text
    assert "not encrypted" in page.text


def test_the_import_help_page_s_old_address_leads_to_its_place_in_the_training_hub(system):
    moved = Visitor(system.url).get("/help/import?provider=0b6d1f7e-3f3a-4a57-9a55-1d9ac5f2b0a1", allow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/training/import?provider=0b6d1f7e-3f3a-4a57-9a55-1d9ac5f2b0a1")


def _stored_items(system, organization_id: str) -> int:
    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM ciphers WHERE organization_id = :o"),
                                   {"o": organization_id}).scalar_one()
    engine.dispose()
    return count


def _lastpass_file(count: int, size: int) -> bytes:
    """A LastPass export of `count` logins in one group, their notes padded so that the file is about `size` bytes."""
    header = "url,username,password,totp,extra,name,grouping,fav\r\n"
    row = "https://site{i:05}.example/login,user{i:05}@example.com,pa55-{i:05},,{note},Site {i:05},Imported,0\r\n"
    note = "x" * max(0, (size - len(header)) // count - len(row.format(i=0, note="")))
    return (header + "".join(row.format(i=i, note=note) for i in range(count))).encode()


def test_the_import_page_states_the_limits_and_gives_them_to_the_browser_to_check_first(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    limits = system.settings("gateway").import_limits
    page = visitor.get(f"/organizations/{organization_id}/vault/import").text
    assert f"At most {limits.file_megabytes} MB and {limits.items} items per file" in page
    assert f'data-max-bytes="{limits.file_bytes}"' in page and f"larger than {limits.file_megabytes} MB" in page


def test_a_file_just_inside_both_limits_imports_every_item(system, client_org):
    # The review's 47 MB, 20,000-item file, at the test system's limits (the same bytes per item).
    visitor, _admin, _provider_id, organization_id = client_org
    limits = system.settings("gateway").import_limits
    content = _lastpass_file(limits.items, limits.file_bytes * 47 // 50)
    assert limits.file_bytes * 0.9 < len(content) <= limits.file_bytes
    answer = _post_import(visitor, system, organization_id, content, "lastpass.csv", "import", format="lastpass_csv")
    assert answer.status_code == 200 and "Site 00000" in answer.text
    assert _stored_items(system, organization_id) == limits.items


def test_a_file_over_the_limits_gets_the_page_back_saying_so_and_imports_nothing(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    limits = system.settings("gateway").import_limits
    too_large = f"The file is larger than {limits.file_megabytes} MB."
    for size in (limits.file_bytes + 1, limits.upload_bytes + 1):  # read and refused; refused unread
        answer = _post_import(visitor, system, organization_id, _lastpass_file(10, size), "big.csv", "import",
                              format="lastpass_csv")
        assert answer.status_code in (413, 422) and too_large in answer.text and "Import data" in answer.text
    too_many = _post_import(visitor, system, organization_id, _lastpass_file(limits.items + 1, 0), "many.csv",
                            "import", format="lastpass_csv")
    assert too_many.status_code == 422 and f"more than {limits.items} items" in too_many.text
    assert _stored_items(system, organization_id) == 0


def test_one_exports_ones_own_vault_with_its_folders_and_nothing_of_ones_organizations(system, unique_email):
    person = Visitor(system.url)
    email = unique_email("exporter")
    person.register(email, "Ex Porter", "exporting-my-own-vault-9")
    person.log_in(email, "exporting-my-own-vault-9")
    person.submit("/vault/folders", {"name": "Home"})
    folder_id = re.search(r'<option value="([\w\-]+)"[^>]*>Home</option>', person.get("/vault/new").text).group(1)
    person.submit("/vault/new", {"type": "login", "name": "Home router", "login_username": "admin",
                                 "login_password": "Canary-Own-Export-31", "folder_id": folder_id, "notes": ""})
    page = person.get("/vault/export")
    assert page.status_code == 200 and "Export vault" in page.text and 'action="/vault/export"' in page.text
    exported = json.loads(person.submit("/vault/export", {"format": "json"}).content)
    assert "collections" not in exported and [f["name"] for f in exported["folders"]] == ["Home"]
    (item,) = exported["items"]
    assert (item["name"], item["login"]["password"], item["folderId"]) == \
        ("Home router", "Canary-Own-Export-31", exported["folders"][0]["id"])
    csv_text = person.submit("/vault/export", {"format": "csv"}).content.decode()
    assert csv_text.splitlines()[0].startswith("folder,favorite,type,name") and "Home router" in csv_text
    refused = person.submit("/vault/export", {"format": "pdf"})
    assert refused.status_code == 422


def test_one_imports_into_ones_own_vault_into_the_folders_the_file_names(system, unique_email):
    person = Visitor(system.url)
    email = unique_email("importer")
    person.register(email, "Im Porter", "importing-my-own-vault-7")
    person.log_in(email, "importing-my-own-vault-7")
    page = person.get("/vault/import")
    assert page.status_code == 200 and "Destination folder" in page.text
    files = {"file": ("lastpass_export.csv", LASTPASS, "text/csv")}
    token = person.csrf_token(page.text)
    preview = person.http.post(f"{system.url}/vault/import", data={"csrf_token": token, "intent": "preview"},
                               files=files)
    assert preview.status_code == 200
    imported = person.http.post(f"{system.url}/vault/import", data={"csrf_token": token, "intent": "import"},
                                files={"file": ("lastpass_export.csv", LASTPASS, "text/csv")})
    assert imported.status_code in (200, 303)
    exported = json.loads(person.submit("/vault/export", {"format": "json"}).content)
    folders = {f["id"]: f["name"] for f in exported["folders"]}
    names = {item["name"]: folders.get(item["folderId"]) for item in exported["items"]}
    assert names == {"Mail Zoë": "Clients/Acme", "Recipe 東京": "Internal"}
    # Someone else's folder id as the destination is refused, and nothing more is imported.
    refused = person.http.post(f"{system.url}/vault/import", data={
        "csrf_token": token, "intent": "import", "collection_id": "00000000-0000-0000-0000-000000000000"},
        files={"file": ("lastpass_export.csv", LASTPASS, "text/csv")})
    assert refused.status_code == 422 and "Choose one of your folders." in refused.text
    assert len(json.loads(person.submit("/vault/export", {"format": "json"}).content)["items"]) == len(names)
