"""1Password's 1PUX export, every kind of item the way 1Password writes it (after Bitwarden's
importer spec data): logins and the kinds that are logins (database, server, API credential),
the kinds that are identities (licences, membership, passport, rewards, SSN), cards, notes,
checkboxes, emails with their provider, password history, folders and what is put away."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import NOTES, PASSWORD, TOTP, UNICODE, onepux, onepux_item, section_field

pytestmark = pytest.mark.unit


def section(title, *fields, name=""):
    return {"title": title, "name": name or title, "fields": list(fields)}


def concealed(title, value, field_id=""):
    return section_field(title, {"concealed": value}, field_id)


def text(title, value, field_id=""):
    return section_field(title, {"string": value}, field_id)


LOGIN = onepux_item("001", UNICODE, fav=1, details={
    "loginFields": [
        {"value": "zoë@example.com", "id": "", "name": "email", "fieldType": "E", "designation": "username"},
        {"value": PASSWORD, "id": "", "name": "password", "fieldType": "P", "designation": "password"},
        {"value": "", "id": "terms", "name": "terms", "fieldType": "C"},
        {"value": "✓", "id": "policies", "name": "policies", "fieldType": "C"},
        {"value": "4321", "id": "pin", "name": "pin", "fieldType": "P"},
        {"value": "Zürich", "id": "city", "name": "city", "fieldType": "T"}],
    "notesPlain": NOTES,
    "sections": [section("Saved on www.fakesite.com",
                         text("Create an account", "zoë123", "cyqyggt2otns6tbbqtsl6w2ceu"),
                         section_field("one-time password", {"totp": TOTP}, "TOTP_564mvwqapphpsjetnnuovmuxum"),
                         concealed("password", "old-2 🔐", "x1"),
                         section_field("registered email", {"email": {"email_address": "zoe@example.com",
                                                                     "provider": "myEmailProvider"}}, "x2"))],
    # seconds, and milliseconds as some exports write them; six entries, Bitwarden keeps five
    "passwordHistory": [{"value": "old-1", "time": 1458322355}, {"value": "old-2 🔐", "time": 1635522872000},
                        {"value": "old-3", "time": 1635522854}, {"value": "old-4", "time": 1635522848},
                        {"value": "old-5", "time": 1500000000}, {"value": "old-6", "time": 1400000000},
                        {"value": "", "time": 1700000000}]},
    overview={"subtitle": "zoë@example.com", "urls": [{"label": "website", "url": "https://www.fakesite.com"}],
              "url": "https://www.fakesite.com", "tags": ["Work"]})
DATABASE = onepux_item("102", "Database", details={"notesPlain": "My Database", "sections": [section(
    "", section_field("type", {"menu": "postgresql"}, "database_type"),
    text("server", "my.secret.db.server", "hostname"), text("port", "1337", "port"),
    text("database", "user_database", "database"), text("username", "cooldbuser", "username"),
    concealed("password", "^+kTjhLaN7wVPAhGU)*J", "password"), text("SID", "ASDIUFU-283234", "sid"),
    text("alias", "cdbu", "alias"), text("connection options", "ssh", "options"))]},
    overview={"tags": ["work"]})
SERVER = onepux_item("110", "Super Cool Server", details={"notesPlain": "My Server", "sections": [
    section("", section_field("URL", {"string": "https://coolserver.nullvalue.test"}, "url"),
            text("username", "frankly-notsure", "username"), concealed("password", "*&YHJI87yjy78u", "password")),
    section("Admin Console", text("admin console URL", "https://coolserver.nullvalue.test/admin", "admin_console_url"),
            text("admin console username", "frankly-idontknow", "admin_console_username"),
            concealed("console password", "^%RY&^YUiju8iUYHJI(U", "admin_console_password")),
    section("Hosting Provider", text("name", "Private Hosting Provider Inc.", "name"),
            section_field("website", {"url": "https://phpi.nullvalue.test"}, "website"),
            section_field("support phone", {"phone": "8882569382"}, "support_contact_phone"))]})
API_CREDENTIAL = onepux_item("112", "API Credential", details={"notesPlain": "My API Credential", "sections": [section(
    "", text("username", "apiuser@nullvalue.test", "username"),
    concealed("credential", "apiapiapiapiapiapiappy", "credential"),
    section_field("type", {"menu": "jwt"}, "type"), text("filename", "filename.jwt", "filename"),
    section_field("valid from", {"date": 1301918460}, "validFrom"),
    section_field("expires", {"date": 1932811260}, "expires"),
    text("hostname", "https://api.nullvalue.test:8443/v2", "hostname"))]})
DRIVERS_LICENSE = onepux_item("103", "Michael Scarn", details={"notesPlain": "My Driver's License", "sections": [
    section("", text("full name", "Michael Scarn", "fullname"), text("address", "2120 Mifflin Rd.", "address"),
    section_field("date of birth", {"date": 252504060}, "birthdate"),
    section_field("sex", {"gender": "male"}, "sex"), text("height", "5'11\"", "height"),
    text("number", "12345678901", "number"), text("license class", "C", "class"),
    text("conditions / restrictions", "B", "conditions"), text("state", "Pennsylvania", "state"),
    text("country", "United States", "country"),
    section_field("expiry date", {"monthYear": 203012}, "expiry_date"))]})
OUTDOOR_LICENSE = onepux_item("104", "Harvest License", details={"notesPlain": "My Outdoor License", "sections": [
    section("", text("full name", "Cash Bandit", "name"),
            section_field("valid from", {"date": 1617278460}, "valid_from"),
            section_field("expires", {"date": 2343124860}, "expires"),
            text("approved wildlife", "Bananas,blueberries,corn", "game"),
            text("maximum quota", "100/each", "quota"), text("state", "Washington", "state"),
            text("country", "United States of America", "country"))]})
MEMBERSHIP = onepux_item("105", "Library Card", details={"sections": [section(
    "", text("group", "National Public Library", "org_name"),
    section_field("website", {"url": "https://npl.nullvalue.gov.test"}, "website"),
    section_field("telephone", {"phone": "9995555555"}, "phone"),
    text("member name", "George Engels", "member_name"),
    section_field("member since", {"monthYear": 199901}, "member_since"),
    section_field("expiry date", {"monthYear": 203412}, "expiry_date"),
    text("member ID", "64783862", "membership_no"), concealed("PIN", "19191", "pin"))]})
PASSPORT = onepux_item("106", "Mr. Globewide", details={"sections": [section(
    "", text("type", "US Passport", "type"), text("issuing country", "United States of America", "issuing_country"),
    text("number", "76436847", "number"), text("full name", "David Global", "fullname"),
    section_field("sex", {"gender": "female"}, "sex"), text("nationality", "International", "nationality"),
    text("issuing authority", "Department of State", "issuing_authority"),
    section_field("date of birth", {"date": 418046460}, "birthdate"),
    text("place of birth", "A cave somewhere in Maine", "birthplace"),
    section_field("issued on", {"date": 1577880060}, "issue_date"),
    section_field("expiry date", {"date": 2524651260}, "expiry_date"))]})
REWARDS = onepux_item("107", "Retail Reward Thing", details={"sections": [
    section("", text("company name", "Super Cool Store Co.", "company_name"),
            text("member name", "Chef Coldroom Jr Ünïcødé", "member_name"),
            text("member ID", "member-29813569", "membership_no"), concealed("PIN", "99913", "pin")),
    section("More Information", text("member ID (additional)", "additional member id", "additional_no"),
            section_field("member since", {"monthYear": 202101}, "member_since"))]})
SSN = onepux_item("108", "SSN", details={"sections": [section(
    "", text("name", "Jack Judd", "name"), concealed("number", "131-216-1900", "number"))]})
IDENTITY = onepux_item("004", "George Engels", details={"sections": [
    section("Identification", text("first name", "George", "firstname"), text("initial", "S", "initial"),
            text("last name", "Engels", "lastname"), text("company", "Acme Inc.", "company")),
    section("Address", section_field("address", {"address": {"street": "1312 Main St.", "city": "Atlantis",
                                                              "country": "us", "zip": "90210",
                                                              "state": "California"}}, "address"),
            section_field("default phone", {"phone": "4565555555"}, "defphone")),
    section("Internet Details",
            section_field("email", {"email": {"email_address": "gengels@nullvalue.test",
                                              "provider": "myEmailProvider"}}, "E1"),
            section_field("2nd email", {"email": {"email_address": "kriddler@nullvalue.test", "provider": None}},
                          "E2"),
            text("username", "gengels", "username"))]})
EMAIL_ACCOUNT = onepux_item("111", "Email Config", details={"notesPlain": "My Email Config", "sections": [
    section("", section_field("type", {"menu": "either"}, "pop_type"),
            text("username", "someuser@nullvalue.test", "pop_username"),
            concealed("password", "u1jsf<UI*&YU&^T", "pop_password")),
    section("Contact Information", text("provider", "Telum", "provider"),
            section_field("provider's website", {"url": "https://telum.nullvalue.test"}, "provider_website"))]})
CARD = onepux_item("002", "Parent's Credit Card", details={"notesPlain": "My parents' credit card.", "sections": [
    section("", text("cardholder name", "Fred Engels", "cardholder"),
            section_field("type", {"creditCardType": "discover"}, "type"),
            section_field("number", {"creditCardNumber": "6011111111111117"}, "ccnum"),
            concealed("verification number", "1312", "cvv"),
            section_field("expiry date", {"monthYear": 209912}, "expiry")),
    section("Contact Information", text("issuing bank", "Some bank", "bank"))]})
NOTE = onepux_item("003", "Secure Note #1", details={"notesPlain": "This is my secure note."},
                   overview={"tags": ["WORK", "Travel"]})
ARCHIVED = onepux_item("001", "Archived login", state="archived", details={
    "loginFields": [{"value": "a", "name": "u", "fieldType": "T", "designation": "username"}]})
TRASHED = {**onepux_item("003", "Trashed note"), "trashed": True}
TRASHED.pop("state")


def test_every_field_of_every_1pux_item_lands_in_its_place():
    content = onepux([("Personal", [LOGIN, DATABASE, SERVER, API_CREDENTIAL, ARCHIVED]),
                      ("Papers 東京", [DRIVERS_LICENSE, OUTDOOR_LICENSE, MEMBERSHIP, PASSPORT, REWARDS, SSN,
                                      IDENTITY, TRASHED]),
                      ("Other", [EMAIL_ACCOUNT, CARD, NOTE])])
    personal, papers, other = ["Personal"], ["Papers 東京"], ["Other"]
    assert parse("onepassword_1pux", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work", collections=personal,
                 login={"username": "zoë@example.com", "password": PASSWORD, "totp": TOTP,
                        "uris": [new_uri("https://www.fakesite.com")]},
                 fields=[new_field("terms", "false", "boolean"), new_field("policies", "true", "boolean"),
                         new_field("pin", "4321", "hidden"), new_field("city", "Zürich"),
                         new_field("Create an account", "zoë123"),
                         new_field("registered email", "zoe@example.com"), new_field("provider", "myEmailProvider")],
                 password_history=[{"password": "old-2 🔐", "last_used": "2021-10-29T15:54:32.000Z"},
                                   {"password": "old-3", "last_used": "2021-10-29T15:54:14.000Z"},
                                   {"password": "old-4", "last_used": "2021-10-29T15:54:08.000Z"},
                                   {"password": "old-5", "last_used": "2017-07-14T02:40:00.000Z"},
                                   {"password": "old-1", "last_used": "2016-03-18T17:32:35.000Z"}]),
        new_item("login", "Database", notes="My Database", folder="Work", collections=personal,
                 login={"username": "cooldbuser", "password": "^+kTjhLaN7wVPAhGU)*J"},
                 fields=[new_field("type", "postgresql"), new_field("server", "my.secret.db.server"),
                         new_field("port", "1337"), new_field("database", "user_database"),
                         new_field("SID", "ASDIUFU-283234"), new_field("alias", "cdbu"),
                         new_field("connection options", "ssh")]),
        new_item("login", "Super Cool Server", notes="My Server", collections=personal,
                 login={"username": "frankly-notsure", "password": "*&YHJI87yjy78u",
                        "uris": [new_uri("https://coolserver.nullvalue.test")]},
                 fields=[new_field("admin console URL", "https://coolserver.nullvalue.test/admin"),
                         new_field("admin console username", "frankly-idontknow"),
                         new_field("console password", "^%RY&^YUiju8iUYHJI(U", "hidden"),
                         new_field("name", "Private Hosting Provider Inc."),
                         new_field("website", "https://phpi.nullvalue.test"),
                         new_field("support phone", "8882569382")]),
        new_item("login", "API Credential", notes="My API Credential", collections=personal,
                 login={"username": "apiuser@nullvalue.test", "password": "apiapiapiapiapiapiappy",
                        "uris": [new_uri("https://api.nullvalue.test:8443/v2")]},
                 fields=[new_field("type", "jwt"), new_field("filename", "filename.jwt"),
                         new_field("valid from", "2011-04-04"), new_field("expires", "2031-04-01")]),
        new_item("identity", "Michael Scarn", notes="My Driver's License", collections=papers,
                 identity={"first_name": "Michael", "last_name": "Scarn", "address1": "2120 Mifflin Rd.",
                           "license_number": "12345678901", "state": "Pennsylvania", "country": "United States"},
                 fields=[new_field("date of birth", "1978-01-01"), new_field("sex", "male"),
                         new_field("height", "5'11\""), new_field("license class", "C"),
                         new_field("conditions / restrictions", "B"), new_field("expiry date", "12/2030")]),
        new_item("identity", "Harvest License", notes="My Outdoor License", collections=papers,
                 identity={"first_name": "Cash", "last_name": "Bandit", "state": "Washington",
                           "country": "United States of America"},
                 fields=[new_field("valid from", "2021-04-01"), new_field("expires", "2044-04-01"),
                         new_field("approved wildlife", "Bananas,blueberries,corn"),
                         new_field("maximum quota", "100/each")]),
        new_item("identity", "Library Card", collections=papers,
                 identity={"company": "National Public Library", "phone": "9995555555", "first_name": "George",
                           "last_name": "Engels"},
                 fields=[new_field("website", "https://npl.nullvalue.gov.test"), new_field("member since", "01/1999"),
                         new_field("expiry date", "12/2034"), new_field("member ID", "64783862"),
                         new_field("PIN", "19191", "hidden")]),
        new_item("identity", "Mr. Globewide", collections=papers,
                 identity={"country": "United States of America", "passport_number": "76436847",
                           "first_name": "David", "last_name": "Global"},
                 fields=[new_field("type", "US Passport"), new_field("sex", "female"),
                         new_field("nationality", "International"),
                         new_field("issuing authority", "Department of State"),
                         new_field("date of birth", "1983-04-01"),
                         new_field("place of birth", "A cave somewhere in Maine"),
                         new_field("issued on", "2020-01-01"), new_field("expiry date", "2050-01-01")]),
        new_item("identity", "Retail Reward Thing", collections=papers,
                 identity={"company": "Super Cool Store Co.", "first_name": "Chef", "middle_name": "Coldroom",
                           "last_name": "Jr Ünïcødé"},
                 fields=[new_field("member ID", "member-29813569"), new_field("PIN", "99913", "hidden"),
                         new_field("member ID (additional)", "additional member id"),
                         new_field("member since", "01/2021")]),
        new_item("identity", "SSN", collections=papers,
                 identity={"first_name": "Jack", "last_name": "Judd", "ssn": "131-216-1900"}),
        new_item("identity", "George Engels", collections=papers,
                 identity={"first_name": "George", "middle_name": "S", "last_name": "Engels", "company": "Acme Inc.",
                           "address1": "1312 Main St.", "city": "Atlantis", "country": "US", "postal_code": "90210",
                           "state": "California", "phone": "4565555555", "email": "gengels@nullvalue.test",
                           "username": "gengels"},
                 fields=[new_field("provider", "myEmailProvider"), new_field("2nd email", "kriddler@nullvalue.test")]),
        new_item("note", "Email Config", notes="My Email Config", collections=other,
                 fields=[new_field("type", "either"), new_field("username", "someuser@nullvalue.test"),
                         new_field("password", "u1jsf<UI*&YU&^T", "hidden"), new_field("provider", "Telum"),
                         new_field("provider's website", "https://telum.nullvalue.test")]),
        new_item("card", "Parent's Credit Card", notes="My parents' credit card.", collections=other,
                 card={"cardholder_name": "Fred Engels", "brand": "discover", "number": "6011111111111117",
                       "code": "1312", "exp_month": "12", "exp_year": "2099"},
                 fields=[new_field("issuing bank", "Some bank")]),
        new_item("note", "Secure Note #1", notes="This is my secure note.", folder="Work", collections=other),
    ]


def test_a_1pux_of_only_archived_and_trashed_items_has_nothing_to_import():
    with pytest.raises(ImportRefused, match="no items"):
        parse("onepassword_1pux", onepux([("Personal", [ARCHIVED, TRASHED])]))


def test_a_masked_email_username_stands_for_its_address():
    login = onepux_item("001", "Fastmail Login", details={"loginFields": [
        {"designation": "username", "name": "username", "fieldType": "T",
         "value": {"email_address": "alias@fastmail.com",
                   "provider": {"fastmail": {"aliasId": "masked-123456", "accountId": "123abcde"}}}},
        {"designation": "password", "name": "password", "fieldType": "P", "value": "s3cret!"}]})
    [item] = parse("onepassword_1pux", onepux([("Personal", [login])]))
    assert item["login"] == {"username": "alias@fastmail.com", "password": "s3cret!", "totp": "", "uris": []}


def test_another_format_picked_as_1pux_is_refused_saying_what_a_1pux_holds():
    with pytest.raises(ImportRefused, match="not a ZIP file"):
        parse("onepassword_1pux", b"url,username,password\nhttps://a.example,a,b\n")
