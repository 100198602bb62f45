"""Sample export files as each password manager writes them, built in memory for the transfer tests.

Each builder takes rows (or a document) in the manager's own terms and returns the exact bytes
of its export: its header row, its quoting, its line endings, a byte-order mark where it writes one.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from xml.sax.saxutils import escape

import pytest

pytestmark = pytest.mark.unit

UNICODE = "Zoë Ünïcødé 東京 🔐"
QUOTED = 'Bank, "Main" account'
NOTES = 'First line, with a comma\nSecond "quoted" line\n\nLast line 🔐'
NOTES_LINES = NOTES.count("\n") + 1
PASSWORD = "p@ss,\"wörd\"'; 🔐"
TOTP = "otpauth://totp/Example:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Example"

BITWARDEN_PERSONAL = ("folder", "favorite", "type", "name", "notes", "fields", "reprompt", "login_uri",
                      "login_username", "login_password", "login_totp")
BITWARDEN_ORGANIZATION = ("collections", *BITWARDEN_PERSONAL[2:])
LASTPASS = ("url", "username", "password", "totp", "extra", "name", "grouping", "fav")
CHROME = ("name", "url", "username", "password", "note")
FIREFOX = ("url", "username", "password", "httpRealm", "formActionOrigin", "guid", "timeCreated", "timeLastUsed",
           "timePasswordChanged")
ONEPASSWORD = ("Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes")
KEEPASSXC = ("Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Icon", "Last Modified", "Created")
DASHLANE_LOGINS = ("username", "username2", "username3", "title", "password", "note", "url", "category", "otpSecret")
DASHLANE_NOTES = ("title", "note")
DASHLANE_PAYMENTS = ("type", "account_name", "account_holder", "cc_number", "code", "expiration_month",
                     "expiration_year", "routing_number", "account_number", "country", "issuing_bank")


def csv_file(header, rows, *, newline="\n", quote_all=False, bom=False) -> bytes:
    """A CSV file of `rows` (dicts by column, missing columns empty) under `header`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


def bitwarden_csv(rows, organization=False) -> bytes:
    """Bitwarden (papaparse): quotes only where needed, CRLF line ends, no BOM."""
    return csv_file(BITWARDEN_ORGANIZATION if organization else BITWARDEN_PERSONAL, rows, newline="\r\n")


def lastpass_csv(rows) -> bytes:
    return csv_file(LASTPASS, rows)


def chrome_csv(rows, header=CHROME) -> bytes:
    return csv_file(header, rows, newline="\r\n")


def firefox_csv(rows) -> bytes:
    """Firefox quotes every value and ends lines with CRLF."""
    return csv_file(FIREFOX, rows, newline="\r\n", quote_all=True)


def onepassword_csv(rows) -> bytes:
    """1Password 8 writes a byte-order mark so spreadsheets read the file as UTF-8."""
    return csv_file(ONEPASSWORD, rows, newline="\r\n", bom=True)


def keepassxc_csv(rows) -> bytes:
    """KeePassXC quotes every value."""
    return csv_file(KEEPASSXC, rows, quote_all=True)


def dashlane_csv(rows, header=DASHLANE_LOGINS) -> bytes:
    return csv_file(header, rows)


def keeper_csv(records) -> bytes:
    """Keeper names no columns: folder, title, login, password, website, notes, shared folder, then field pairs.

    Its exporter is Python's csv writer: quotes only where needed, CRLF line ends, no BOM.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(records)
    return out.getvalue().encode("utf-8")


def keeper_json(document) -> bytes:
    """Keeper's JSON export: indented by two, non-ASCII text as it is."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


ROBOFORM = ("Name", "Url", "MatchUrl", "Login", "Pwd", "Note", "Folder", "RfFieldsV2")


def roboform_csv(rows) -> bytes:
    """RoboForm writes a BOM and CRLF, and each form field of a login in a cell of its own after RfFieldsV2.

    A row is a dict by column; its "fields" are the cells "label,id,,type,value" that run past the header.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROBOFORM)
    writer.writerows([*(row.get(column, "") for column in ROBOFORM[:-1]), *(row.get("fields") or [""])]
                     for row in rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


NORDPASS = ("name", "url", "additional_urls", "username", "password", "note", "cardholdername", "cardnumber", "cvc",
            "pin", "expirydate", "zipcode", "folder", "shared_folder", "full_name", "phone_number", "email",
            "address1", "address2", "city", "country", "state", "type", "custom_fields")


def nordpass_csv(rows) -> bytes:
    """NordPass: one header for every item type, quotes only where needed, LF line ends, no BOM."""
    return csv_file(NORDPASS, rows)


def protonpass_json(vaults, *, encrypted=False) -> bytes:
    """Proton Pass's data.json: vaults by share id, each with its items; compact, non-ASCII as it is."""
    return json.dumps({"version": "1.21.2", "userId": "USER", "encrypted": encrypted, "vaults": {
        f"SHARE{n}": {"name": name, "description": "", "display": {"color": 0, "icon": 0}, "items": items}
        for n, (name, items) in enumerate(vaults)}}, ensure_ascii=False).encode("utf-8")


def protonpass_zip(data: bytes, *, data_name="Proton Pass/data.json") -> bytes:
    """The ZIP Proton Pass saves: data.json in a "Proton Pass" folder, attachments beside it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(data_name, data)
        archive.writestr("Proton Pass/files/SHARE0/1.png", b"png")
    return out.getvalue()


def protonpass_item(kind, name, content, *, note="", extra_fields=(), pinned=False, state=1, alias_email=None):
    return {"itemId": f"I{abs(hash(name))}", "shareId": "SHARE0", "data": {
        "metadata": {"name": name, "note": note, "itemUuid": "e8ee1a0c"}, "extraFields": list(extra_fields),
        "type": kind, "content": content}, "state": state, "aliasEmail": alias_email, "contentFormatVersion": 6,
        "createTime": 1700000000, "modifyTime": 1700000000, "pinned": pinned}


def enpass_json(document) -> bytes:
    """Enpass: indented by four, non-ASCII text as it is."""
    return json.dumps(document, indent=4, ensure_ascii=False).encode("utf-8")


def enpass_field(label, kind, value, *, uid=0, sensitive=0, order=0):
    return {"deleted": 0, "label": label, "order": order, "sensitive": sensitive, "type": kind, "uid": uid,
            "updated_at": 1700000000, "value": value, "value_updated_at": 1700000000}


def enpass_item(template, title, fields, *, note="", favorite=0, folders=None, trashed=0):
    return {"archived": 0, "auto_submit": 1, "category": template.partition(".")[0], "createdAt": 1700000000,
            "favorite": favorite, "fields": fields, "icon": {"fav": "", "image": {"file": ""}, "type": 1, "uuid": ""},
            "note": note, "subtitle": "", "template_type": template, "title": title, "trashed": trashed,
            "updated_at": 1700000000, "uuid": f"U{abs(hash(title))}", **({"folders": folders} if folders else {})}


def psono_json(document) -> bytes:
    """Psono: compact JSON of "folders" (each with "items" and "folders") and top-level "items"."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def bitwarden_json(document) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def onepux(vaults, *, data_name="export.data") -> bytes:
    """A 1PUX file: a ZIP holding export.attributes and export.data for one account."""
    document = {"accounts": [{"attrs": {"accountName": "Zoë", "name": "Zoë", "email": "zoe@example.com",
                                        "uuid": "ACCOUNT", "domain": "https://my.1password.com/"},
                              "vaults": [{"attrs": {"uuid": f"V{n}", "desc": "", "avatar": "", "name": name,
                                                    "type": "P"}, "items": items}
                                         for n, (name, items) in enumerate(vaults)]}]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.attributes", json.dumps({"version": 3, "description": "1Password Unencrypted "
                                                          "Export", "createdAt": 1700000000}))
        archive.writestr(data_name, json.dumps(document, ensure_ascii=False))
    return out.getvalue()


def onepux_item(category, title, *, details=None, overview=None, fav=0, state="active"):
    return {"uuid": f"U{abs(hash(title))}", "favIndex": fav, "createdAt": 1700000000, "updatedAt": 1700000000,
            "state": state, "categoryUuid": category, "details": {"loginFields": [], "notesPlain": "",
                                                                  "sections": [], "passwordHistory": [],
                                                                  **(details or {})},
            "overview": {"subtitle": "", "title": title, "url": "", "tags": [], **(overview or {})}}


def section_field(title, value, field_id=""):
    return {"title": title, "id": field_id, "value": value, "guarded": False, "multiline": False}


def keepass_entry(strings, *, protect=("Password",), history=None) -> str:
    """One Entry element; `protect` names the strings KeePass marks ProtectInMemory."""
    parts = ["\t\t\t<Entry>", "\t\t\t\t<UUID>AAAAAAAAAAAAAAAAAAAAAA==</UUID>"]
    for key, value in strings.items():
        protection = ' ProtectInMemory="True"' if key in protect else ""
        parts.append(f"\t\t\t\t<String><Key>{escape(key)}</Key><Value{protection}>{escape(value)}</Value></String>")
    if history:
        parts.append("\t\t\t\t<History>" + "".join(history) + "</History>")
    parts.append("\t\t\t</Entry>")
    return "\r\n".join(parts)


def keepass_group(name, entries=(), groups=(), uuid="R1JPVVA=") -> str:
    return "\r\n".join(["\t\t<Group>", f"\t\t\t<UUID>{uuid}</UUID>", f"\t\t\t<Name>{escape(name)}</Name>",
                        *entries, *groups, "\t\t</Group>"])


def keepass_xml(root_group, *, recycle_bin="QklO", prologue="") -> bytes:
    """KeePass 2's XML (2.x) export: UTF-8 with a BOM, tab-indented, CRLF line ends."""
    text = "\r\n".join(['<?xml version="1.0" encoding="utf-8" standalone="yes"?>', prologue,
                        "<KeePassFile>", "\t<Meta>", "\t\t<Generator>KeePass</Generator>",
                        "\t\t<RecycleBinEnabled>True</RecycleBinEnabled>",
                        f"\t\t<RecycleBinUUID>{recycle_bin}</RecycleBinUUID>", "\t</Meta>", "\t<Root>",
                        root_group, "\t\t<DeletedObjects />", "\t</Root>", "</KeePassFile>", ""])
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _logins(count):
    for i in range(count):
        yield i, {"name": f"{UNICODE} {i}", "user": f"zoë{i}@example.com", "password": f"{PASSWORD}{i}",
                  "url": f"https://site{i}.example/login", "notes": NOTES if i % 2 else "", "favorite": i % 3 == 0}


def _bitwarden_json_sample(count):
    return bitwarden_json({"encrypted": False, "folders": [{"id": "F1", "name": "Work/東京"}], "items": [
        {"id": f"I{i}", "organizationId": None, "folderId": "F1" if i % 2 else None, "type": 1, "reprompt": 0,
         "name": row["name"], "notes": row["notes"] or None, "favorite": row["favorite"],
         "fields": [{"name": "PIN", "value": str(i), "type": 1, "linkedId": None}],
         "login": {"fido2Credentials": [], "uris": [{"match": None, "uri": row["url"]}], "username": row["user"],
                   "password": row["password"], "totp": TOTP}, "collectionIds": None}
        for i, row in _logins(count)]})


def _onepux_sample(count):
    return onepux([("Private", [onepux_item("001", row["name"], fav=int(row["favorite"]), details={
        "loginFields": [{"value": row["user"], "designation": "username"},
                        {"value": row["password"], "designation": "password"}],
        "notesPlain": row["notes"], "sections": [{"title": "", "fields": [section_field("PIN", {"concealed": "1"})]}]},
        overview={"urls": [{"label": "", "url": row["url"]}], "tags": ["Work"] if i % 2 else []})
        for i, row in _logins(count)])])


def _keepass_sample(count):
    entries = [keepass_entry({"Title": row["name"], "UserName": row["user"], "Password": row["password"],
                              "URL": row["url"], "Notes": row["notes"], "PIN": str(i)}, protect=("Password", "PIN"))
               for i, row in _logins(count)]
    return keepass_xml(keepass_group("Database", entries[::2], [keepass_group("Work", entries[1::2])]))


def _psono_login(i, row):
    return {"type": "website_password", "name": row["name"], "website_password_title": row["name"],
            "website_password_url": row["url"], "website_password_username": row["user"],
            "website_password_password": row["password"], "website_password_notes": row["notes"],
            "website_password_auto_submit": False, "website_password_url_filter": row["url"].split("/")[2],
            "create_date": "2024-01-01T10:00:00.000000Z", "write_date": "2024-01-01T10:00:00.000000Z",
            "callback_url": "", "callback_user": "", "callback_pass": "", "id": f"00000000-0000-0000-0000-{i:012}"}


SAMPLES = {
    "bitwarden_json": _bitwarden_json_sample,
    "bitwarden_csv": lambda count: bitwarden_csv([
        {"folder": "Work" if i % 2 else "", "favorite": "1" if row["favorite"] else "", "type": "login",
         "name": row["name"], "notes": row["notes"], "fields": f"PIN: {i}", "reprompt": "0",
         "login_uri": row["url"], "login_username": row["user"], "login_password": row["password"],
         "login_totp": TOTP} for i, row in _logins(count)]),
    "lastpass_csv": lambda count: lastpass_csv([
        {"url": row["url"], "username": row["user"], "password": row["password"], "extra": row["notes"],
         "name": row["name"], "grouping": "Work\\東京" if i % 2 else "", "fav": "1" if row["favorite"] else "0"}
        for i, row in _logins(count)]),
    "chrome_csv": lambda count: chrome_csv([
        {"name": row["name"], "url": row["url"], "username": row["user"], "password": row["password"],
         "note": row["notes"]} for _, row in _logins(count)]),
    "firefox_csv": lambda count: firefox_csv([
        {"url": row["url"], "username": row["user"], "password": row["password"], "formActionOrigin": row["url"],
         "guid": f"{{{i}}}", "timeCreated": "1700000000000", "timeLastUsed": "1700000000000",
         "timePasswordChanged": "1700000000000"} for i, row in _logins(count)]),
    "onepassword_1pux": _onepux_sample,
    "onepassword_csv": lambda count: onepassword_csv([
        {"Title": row["name"], "Url": row["url"], "Username": row["user"], "Password": row["password"],
         "OTPAuth": TOTP, "Favorite": str(row["favorite"]).lower(), "Archived": "false", "Tags": "Work,Home",
         "Notes": row["notes"]} for _, row in _logins(count)]),
    "keepass_xml": _keepass_sample,
    "keepassxc_csv": lambda count: keepassxc_csv([
        {"Group": "Root/Work" if i % 2 else "Root", "Title": row["name"], "Username": row["user"],
         "Password": row["password"], "URL": row["url"], "Notes": row["notes"], "TOTP": TOTP, "Icon": "0"}
        for i, row in _logins(count)]),
    "dashlane_csv": lambda count: dashlane_csv([
        {"username": row["user"], "title": row["name"], "password": row["password"], "note": row["notes"],
         "url": row["url"], "category": "Work" if i % 2 else "", "otpSecret": "JBSWY3DPEHPK3PXP"}
        for i, row in _logins(count)]),
    "keeper_csv": lambda count: keeper_csv([
        ["Work\\東京" if i % 2 else "", row["name"], row["user"], row["password"], row["url"], row["notes"], "",
         "PIN", str(i), "TFC:Keeper", TOTP] for i, row in _logins(count)]),
    "keeper_json": lambda count: keeper_json({"shared_folders": [], "records": [
        {"title": row["name"], "uid": f"UID{i}", "login": row["user"], "password": row["password"],
         "login_url": row["url"], "notes": row["notes"], "$type": "login", "last_modified": 1700000000,
         "custom_fields": {"$oneTimeCode": TOTP, "$pinCode": str(i)},
         "folders": [{"folder": "Work\\東京"}] if i % 2 else []} for i, row in _logins(count)]}),
    "roboform_csv": lambda count: roboform_csv([
        {"Name": row["name"], "Url": row["url"], "MatchUrl": row["url"], "Login": row["user"], "Pwd": row["password"],
         "Note": row["notes"], "Folder": "/Work/東京" if i % 2 else "",
         "fields": [f"User ID$,,,txt,{row['user']}", f"PIN,,,pwd,{i}"]} for i, row in _logins(count)]),
    "nordpass_csv": lambda count: nordpass_csv([{"name": "Work", "type": "folder"}, *(
        {"name": row["name"], "url": row["url"], "username": row["user"], "password": row["password"],
         "note": row["notes"], "folder": "Work" if i % 2 else "", "type": "password",
         "custom_fields": json.dumps([{"label": "PIN", "type": "hidden", "value": str(i)}])}
        for i, row in _logins(count))]),
    "protonpass_json": lambda count: protonpass_zip(protonpass_json([("Personal", [
        protonpass_item("login", row["name"], {"itemEmail": "", "itemUsername": row["user"],
                                               "password": row["password"], "urls": [row["url"]], "totpUri": TOTP,
                                               "passkeys": []},
                        note=row["notes"], pinned=row["favorite"],
                        extra_fields=[{"fieldName": "PIN", "type": "hidden", "data": {"content": str(i)}}])
        for i, row in _logins(count)])])),
    "enpass_json": lambda count: enpass_json({"folders": [
        {"icon": "1008", "parent_uuid": "", "title": "Work/東京", "updated_at": 1700000000, "uuid": "F1"}], "items": [
        enpass_item("login.default", row["name"], [
            enpass_field("Username", "username", row["user"], uid=10),
            enpass_field("Password", "password", row["password"], uid=11, sensitive=1),
            enpass_field("Website", "url", row["url"], uid=13), enpass_field("One-time code", "totp", TOTP, uid=14)],
            note=row["notes"], favorite=int(row["favorite"]), folders=["F1"] if i % 2 else None)
        for i, row in _logins(count)]}),
    "psono_json": lambda count: psono_json({"folders": [{"name": "Work/東京", "items": [
        _psono_login(i, row) for i, row in _logins(count) if i % 2]}],
        "items": [_psono_login(i, row) for i, row in _logins(count) if not i % 2]}),
}
SAMPLE_NAMES = {"bitwarden_json": "bitwarden_export_20240101.json", "bitwarden_csv": "bitwarden_export.csv",
                "lastpass_csv": "lastpass_export.csv", "chrome_csv": "Chrome Passwords.csv",
                "firefox_csv": "logins.csv", "onepassword_1pux": "1PasswordExport-ABC-20240101.1pux",
                "onepassword_csv": "1PasswordExport.csv", "keepass_xml": "Database.xml",
                "keepassxc_csv": "Passwords.csv", "dashlane_csv": "credentials.csv",
                "keeper_csv": "keeper.csv", "keeper_json": "keeper.json",
                "roboform_csv": "RoboForm Export.csv", "nordpass_csv": "nordpass_2024-01-01.csv",
                "protonpass_json": "Proton Pass_export_2024-01-01.zip", "enpass_json": "Enpass Export.json",
                "psono_json": "psono_export.json"}


def sample(format_id, count=4) -> bytes:
    """A file of `format_id` holding `count` logins with unicode, quotes, commas and multi-line notes."""
    return SAMPLES[format_id](count)


def test_firefox_quotes_every_value_and_ends_lines_with_crlf():
    sample = firefox_csv([{"url": "https://example.com", "username": "zoë"}])
    assert sample.startswith(b'"url","username","password","httpRealm"')
    assert sample.endswith(b'"https://example.com","zo\xc3\xab","","","","","","",""\r\n')


def test_quotes_inside_values_are_doubled_and_notes_run_over_several_lines():
    sample = lastpass_csv([{"name": QUOTED, "extra": NOTES}]).decode()
    assert '"Bank, ""Main"" account"' in sample
    assert sample.count("\n") == 1 + NOTES_LINES


def test_a_1pux_file_is_a_zip_holding_export_data():
    with zipfile.ZipFile(io.BytesIO(onepux([("Private", [])]))) as archive:
        assert sorted(archive.namelist()) == ["export.attributes", "export.data"]


def test_keepass_xml_starts_with_a_byte_order_mark():
    sample = keepass_xml(keepass_group("Database"))
    assert sample.startswith(codecs.BOM_UTF8 + b"<?xml")


# Dashlane's whole export, and 1Password 7's CSV exports (issue 17).
DASHLANE_CREDENTIALS_OTPURL = ("username", "username2", "username3", "title", "password", "note", "url", "category",
                               "otpUrl")
DASHLANE_SECURENOTES = ("title", "note", "category")
DASHLANE_PAYMENTS_NEW = (*DASHLANE_PAYMENTS, "note", "name")
DASHLANE_IDS = ("type", "number", "name", "issue_date", "expiration_date", "place_of_issue", "state")
DASHLANE_PERSONAL = ("type", "title", "first_name", "middle_name", "last_name", "login", "date_of_birth",
                     "place_of_birth", "email", "email_type", "item_name", "phone_number", "address", "country",
                     "state", "city", "zip", "address_recipient", "address_building", "address_apartment",
                     "address_floor", "address_door_code", "job_title", "url")
DASHLANE_ZIP_FILES = {"credentials.csv": DASHLANE_LOGINS, "securenotes.csv": DASHLANE_SECURENOTES,
                      "payments.csv": DASHLANE_PAYMENTS_NEW, "ids.csv": DASHLANE_IDS,
                      "personalInfo.csv": DASHLANE_PERSONAL}
# 1Password 7 for Mac, "All Fields" with column labels: every field of every kind, "label(field id)", sorted
# (7.x versions with one-time passwords add "First One-time Password").
ONEPASSWORD_MAC = (
    "account number(accountNo)", "address(address)", "address(branchAddress)", "admin console URL(admin_console_url)",
    "admin console username(admin_console_username)", "AirPort ID(airport_id)", "alias(alias)", "AOL/AIM(aim)",
    "approved wildlife(game)", "attached storage password(disk_password)", "auth method(pop_authentication)",
    "auth method(smtp_authentication)", "bank name(bankName)", "base station name(name)",
    "base station password(password)", "birth date(birthdate)", "business(busphone)", "cardholder name(cardholder)",
    "cash withdrawal limit(cashLimit)", "cell(cellphone)", "company name(company_name)", "company(company)",
    "conditions / restrictions(conditions)", "connection options(options)", "console password(admin_console_password)",
    "country(country)", "Created Date", "credit limit(creditLimit)", "customer service phone(customer_service_phone)",
    "database(database)", "date of birth(birthdate)", "default phone(defphone)", "department(department)",
    "download page(download_link)", "email(email)", "expires(expires)", "expiry date(expiry_date)",
    "expiry date(expiry)", "first name(firstname)", "First One-time Password", "forum signature(forumsig)",
    "full name(fullname)",
    "full name(name)", "group(org_name)", "height(height)", "home(homephone)", "IBAN(iban)", "ICQ(icq)",
    "initial(initial)", "interest rate(interest)", "issue number(issuenumber)", "issued on(issue_date)",
    "issuing authority(issuing_authority)", "issuing bank(bank)", "issuing country(issuing_country)",
    "job title(jobtitle)", "last name(lastname)", "license class(class)", "license key(reg_code)",
    "licensed to(reg_name)", "maximum quota(quota)", "member ID (additional)(additional_no)",
    "member ID(membership_no)",
    "member name(member_name)", "member since(member_since)", "Modified Date", "MSN(msn)", "name on account(owner)",
    "name(name)", "nationality(nationality)", "network name(network_name)", "Notes", "number(ccnum)", "number(number)",
    "occupation(occupation)", "order number(order_number)", "order total(order_total)", "Password",
    "password(password)", "password(pop_password)", "password(smtp_password)", "phone (intl)(phoneIntl)",
    "phone (local)(phone_local)", "phone (local)(phoneLocal)", "phone (toll free)(phone_tollfree)",
    "phone (toll free)(phoneTollFree)", "phone for reservations(reservations_phone)", "phone(branchPhone)",
    "PIN(pin)", "PIN(telephonePin)", "place of birth(birthplace)", "port number(pop_port)", "port number(smtp_port)",
    "port(port)", "provider's website(provider_website)", "provider(provider)", "publisher(publisher_name)",
    "purchase date(order_date)", "registered email(reg_email)", "reminder answer(remindera)",
    "reminder question(reminderq)", "retail price(retail_price)", "routing number(routingNo)", "Scope",
    "security(pop_security)", "security(smtp_security)", "server / IP address(server)", "server(hostname)",
    "server(pop_server)", "sex(sex)", "SID(sid)", "skype(skype)", "SMTP server(smtp_server)", "state(state)",
    "support email(support_email)", "support phone(support_contact_phone)", "support URL(support_contact_url)",
    "SWIFT(swift)", "Tags", "telephone(phone)", "Title", "Type", "type(accountType)", "type(database_type)",
    "type(pop_type)", "type(type)", "URL", "URL(url)", "Username", "username(pop_username)",
    "username(smtp_username)", "username(username)", "valid from(valid_from)", "valid from(validFrom)",
    "verification number(cvv)", "version(product_version)", "website(publisher_website)", "website(website)",
    "wireless network password(wireless_password)", "wireless security(wireless_security)", "Yahoo(yahoo)")
ONEPASSWORD_WIN_LOGIN = ("UUID", "TITLE", "USERNAME", "PASSWORD", "URL", "URLS", "EMAIL", "MASTER-PASSWORD",
                         "ACCOUNT-KEY", "SCOPE", "AUTOSUBMIT", "TAGS", "NOTES")


def dashlane_zip(files) -> bytes:
    """Dashlane's export: a ZIP of its five CSV files, `files` giving the rows of each (an empty file by default)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, header in DASHLANE_ZIP_FILES.items():
            archive.writestr(name, csv_file(header, files.get(name, [])))
    return out.getvalue()


def _backslashed(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def onepassword_mac_csv(rows) -> bytes:
    """1Password 7 for Mac: filled values quoted, quotes inside escaped with a backslash, a comma closing each line."""
    lines = [",".join(_backslashed(column) for column in ONEPASSWORD_MAC) + ","]
    lines += [",".join(_backslashed(row[column]) if row.get(column) else "" for column in ONEPASSWORD_MAC) + ","
              for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def onepassword_mac_tags(*tags) -> str:
    """The Mac export's tags: a property list, a tag with spaces in quotes."""
    return "{(\n" + ",\n".join("    " + (f'"{tag}"' if " " in tag else tag) for tag in tags) + "\n)}"


def onepassword_win_csv(header, rows) -> bytes:
    """1Password 7 for Windows: every value quoted, quotes inside escaped with a backslash, CRLF line ends."""
    lines = [",".join(_backslashed(column) for column in header)]
    lines += [",".join(_backslashed(row.get(column, "")) for column in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


SAMPLES["dashlane_zip"] = lambda count: dashlane_zip({"credentials.csv": [
    {"username": row["user"], "title": row["name"], "password": row["password"], "note": row["notes"],
     "url": row["url"], "category": "Work" if i % 2 else "", "otpSecret": "JBSWY3DPEHPK3PXP"}
    for i, row in _logins(count)]})
SAMPLE_NAMES["dashlane_zip"] = "Dashlane-export.zip"


# Safari 15+ and the Passwords app: minimal quoting, LF line ends, no byte-order mark.
SAFARI = ("Title", "URL", "Username", "Password", "Notes", "OTPAuth")


def safari_csv(rows, header=SAFARI) -> bytes:
    return csv_file(header, rows)


SAMPLES["safari_csv"] = lambda count: safari_csv([
    {"Title": row["name"], "URL": row["url"], "Username": row["user"], "Password": row["password"],
     "Notes": row["notes"], "OTPAuth": TOTP} for _, row in _logins(count)])
SAMPLE_NAMES["safari_csv"] = "Passwords.csv"


def safeincloud_field(name, value, type="text", autofill="off") -> str:
    return (f'        <field name="{escape(name, {chr(34): "&quot;"})}" type="{type}" autofill="{autofill}">'
            f"{escape(value)}</field>")


def safeincloud_card(title, *parts, card_id=1, attributes="") -> str:
    """One <card>: `parts` are its <field>, <notes> and <label_id> lines."""
    return "\n".join([f'    <card title="{escape(title, {chr(34): "&quot;"})}" id="{card_id}" symbol="web_site" '
                      f'color="blue" autofill="on"{attributes}>', *parts, "    </card>"])


def safeincloud_xml(labels, cards) -> bytes:
    """SafeInCloud's File → Export → As XML: UTF-8, labels first, then templates and cards."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "<database>",
             *(f'    <label name="{escape(name)}" id="{label_id}"></label>' for label_id, name in labels), *cards,
             "</database>", ""]
    return "\n".join(lines).encode("utf-8")


SAMPLES["safeincloud_xml"] = lambda count: safeincloud_xml([(1, "Work/東京")], [
    safeincloud_card(row["name"], safeincloud_field("Login", row["user"], "login", "username"),
                     safeincloud_field("Password", row["password"], "password", "current-password"),
                     safeincloud_field("Website", row["url"], "website", "url"),
                     safeincloud_field("PIN", str(i), "pin"), f"        <notes>{escape(row['notes'])}</notes>",
                     "        <label_id>1</label_id>" if i % 2 else "", card_id=100 + i)
    for i, row in _logins(count)])
SAMPLE_NAMES["safeincloud_xml"] = "SafeInCloud.xml"


# Zoho Vault: a byte-order mark, a fully quoted header, values quoted only where needed.
ZOHO = ("Password Name", "Description", "Password URL", "SecretData", "Notes", "CustomData", "Tags",
        "Classification", "Favorite", "TOTP", "Folder Name")
ZOHO_LEGACY = ("Secret Name", "Description", "Secret URL", "SecretData", "Notes", "CustomData", "Tags",
               "Classification", "Favorite", "ChamberName")


def zoho_csv(rows, header=ZOHO) -> bytes:
    body = csv_file(header, rows).decode("utf-8").partition("\n")[2]
    return codecs.BOM_UTF8 + (",".join(f'"{column}"' for column in header) + "\n" + body).encode("utf-8")


def zoho_secret(username, password, secret_type="Web Account") -> str:
    return f"SecretType:{secret_type}\nUser Name:{username}\nPassword:{password}\n"


SAMPLES["zohovault_csv"] = lambda count: zoho_csv([
    {"Password Name": row["name"], "Password URL": row["url"], "SecretData": zoho_secret(row["user"], row["password"]),
     "Notes": row["notes"], "CustomData": f"PIN:{i}\n", "Classification": "P",
     "Favorite": "1" if row["favorite"] else "0", "TOTP": TOTP, "Folder Name": "Work\n東京" if i % 2 else ""}
    for i, row in _logins(count)])
SAMPLE_NAMES["zohovault_csv"] = "Zoho_Vault_Passwords.csv"


# Passbolt's csv-kdbx export quotes every value and ends lines with CRLF.
PASSBOLT = ("Title", "Username", "URL", "Password", "Notes", "Group", "TOTP")


def passbolt_csv(rows, header=PASSBOLT) -> bytes:
    return csv_file(header, rows, newline="\r\n", quote_all=True)


SAMPLES["passbolt_csv"] = lambda count: passbolt_csv([
    {"Title": row["name"], "Username": row["user"], "URL": row["url"], "Password": row["password"],
     "Notes": row["notes"], "Group": "Work/東京" if i % 2 else "", "TOTP": TOTP} for i, row in _logins(count)])
SAMPLE_NAMES["passbolt_csv"] = "passbolt-export.csv"


# Myki's web app: one CSV file per kind of item, each with its own header.
MYKI_ACCOUNTS = ("nickname", "url", "username", "password", "additionalInfo", "twofaSecret", "status", "tags")
MYKI_TWO_FACTOR = ("nickname", "status", "tags", "authToken", "additionalInfo")
MYKI_CARDS = ("nickname", "status", "tags", "cardNumber", "cardName", "exp_month", "exp_year", "cvv",
              "additionalInfo")
MYKI_ADDRESSES = ("nickname", "status", "tags", "firstName", "middleName", "lastName", "email", "firstAddressLine",
                  "secondAddressLine", "title", "gender", "number", "city", "country", "zipCode", "additionalInfo")
MYKI_ID_CARDS = ("nickname", "status", "tags", "idType", "idNumber", "idName", "idIssuanceDate", "idExpirationDate",
                 "idCountry", "additionalInfo")
MYKI_NOTES = ("nickname", "status", "content")


def myki_csv(rows, header=MYKI_ACCOUNTS) -> bytes:
    return csv_file(header, rows)


SAMPLES["myki_csv"] = lambda count: myki_csv([
    {"nickname": row["name"], "url": row["url"], "username": row["user"], "password": row["password"],
     "additionalInfo": row["notes"], "twofaSecret": "JBSWY3DPEHPK3PXP", "status": "1"} for _, row in _logins(count)])
SAMPLE_NAMES["myki_csv"] = "UserAccount.csv"


def passky_json(passwords, encrypted=False) -> bytes:
    """Passky's backup: one JSON object, the passwords in plain text unless encrypted."""
    return json.dumps({"encrypted": encrypted, "passwords": passwords}, ensure_ascii=False).encode("utf-8")


SAMPLES["passky_json"] = lambda count: passky_json([
    {"website": row["url"], "username": row["user"], "password": row["password"], "message": row["notes"]}
    for _, row in _logins(count)])
SAMPLE_NAMES["passky_json"] = "passky_backup.json"


AVIRA = ("name", "website", "username", "secondary_username", "password")
# LogMeOnce quotes every value; its older exports had neither note nor passkey.
LOGMEONCE = ("name", "url", "note", "group", "username", "password", "passkey", "extra")
LOGMEONCE_OLD = ("name", "url", "username", "password", "group", "extra")


def avira_csv(rows) -> bytes:
    return csv_file(AVIRA, rows)


def logmeonce_csv(rows, header=LOGMEONCE) -> bytes:
    return csv_file(header, rows, quote_all=True)


SAMPLES["avira_csv"] = lambda count: avira_csv([
    {"name": row["name"], "website": row["url"], "username": row["user"], "secondary_username": f"zoe{i}",
     "password": row["password"]} for i, row in _logins(count)])
SAMPLES["logmeonce_csv"] = lambda count: logmeonce_csv([
    {"name": row["name"], "url": row["url"], "note": row["notes"], "group": "Work" if i % 2 else "",
     "username": row["user"], "password": row["password"]} for i, row in _logins(count)])
SAMPLE_NAMES["avira_csv"] = "avira_passwords.csv"
SAMPLE_NAMES["logmeonce_csv"] = "LogMeOnce.csv"
