"""1Password's CSV exports: 1Password 8's, and 1Password 7's for Mac and for Windows with every kind of item."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, PASSWORD, QUOTED, UNICODE, csv_file, onepassword_mac_csv,
                                              onepassword_mac_tags, onepassword_win_csv)

pytestmark = pytest.mark.unit

TOTP = "otpauth://totp/Example:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Example"
MAC_ROWS = [
    {"Created Date": "1606923754", "Modified Date": "1607020972", "Notes": NOTES, "Password": PASSWORD,
     "Tags": onepassword_mac_tags("Starter Kit", "Work"), "Title": UNICODE, "Type": "Login",
     "URL": "https://my.1password.com", "Username": "zoë@example.com", "First One-time Password": TOTP},
    {"cardholder name(cardholder)": UNICODE, "Created Date": "1606923869", "expiry date(expiry)": "01/2030",
     "Modified Date": "1606924056", "number(ccnum)": "4111111111111111", "Tags": "{(\n)}", "Title": QUOTED,
     "Type": "Credit Card", "type(type)": "laser", "verification number(cvv)": "111", "PIN(pin)": "1234",
     "issuing bank(bank)": "東京銀行", "valid from(validFrom)": "01/2020"},
    {"address(address)": "1 Chome\n東京 13 100-0001\nJapan", "birth date(birthdate)": "12/2/20",
     "company(company)": "ACME, Inc.", "Created Date": "1606923754", "default phone(defphone)": "8005555555",
     "department(department)": "R&D", "email(email)": "zoe@example.com", "first name(firstname)": "Zoë",
     "initial(initial)": "M", "job title(jobtitle)": "Engineer", "last name(lastname)": "Ünïcødé",
     "Modified Date": "1607020883", "Notes": "It’s you! 🖐", "occupation(occupation)": "engineer",
     "Tags": onepassword_mac_tags("Starter Kit"), "Title": "Identity Item", "Type": "Identity", "Username": "zoe",
     "username(username)": "zoe"},
    {"Title": "🎉 Welcome", "Type": "Secure Note", "Notes": NOTES, "Tags": onepassword_mac_tags("Starter Kit"),
     "Created Date": "1606923754", "Modified Date": "1606923754"},
    {"Title": "Home Wi-Fi", "Type": "Wireless Router", "network name(network_name)": "東京-net",
     "wireless network password(wireless_password)": PASSWORD, "Scope": "Default"},
]
MAC_ITEMS = [
    new_item("login", UNICODE, notes=NOTES, folder="Starter Kit", login={
        "username": "zoë@example.com", "password": PASSWORD, "totp": TOTP,
        "uris": [new_uri("https://my.1password.com")]}),
    new_item("card", QUOTED, card={"cardholder_name": UNICODE, "brand": "laser", "number": "4111111111111111",
                                   "code": "111", "exp_month": "1", "exp_year": "2030"},
             fields=[new_field("issuing bank", "東京銀行"), new_field("PIN", "1234", "hidden"),
                     new_field("valid from", "01/2020")]),
    new_item("identity", "Identity Item", notes="It’s you! 🖐", folder="Starter Kit", identity={
        "first_name": "Zoë", "middle_name": "M", "last_name": "Ünïcødé", "company": "ACME, Inc.",
        "email": "zoe@example.com", "phone": "8005555555", "username": "zoe", "address1": "1 Chome",
        "address2": "東京 13 100-0001", "address3": "Japan"},
        fields=[new_field("birth date", "12/2/20"), new_field("department", "R&D"), new_field("job title", "Engineer"),
                new_field("occupation", "engineer")]),
    new_item("note", "🎉 Welcome", notes=NOTES, folder="Starter Kit"),
    new_item("note", "Home Wi-Fi", fields=[new_field("network name", "東京-net"),
                                          new_field("wireless network password", PASSWORD, "hidden")]),
]

WINDOWS = ("UUID", "TITLE", "USERNAME", "PASSWORD", "URL", "URLS", "EMAIL", "MASTER-PASSWORD", "ACCOUNT-KEY", "SCOPE",
           "AUTOSUBMIT", "TAGS", "NOTES", "SECTION 1: WXHDKEQREE3TH6QRFCPFPSD3AE",
           "WXHDKEQREE3TH6QRFCPFPSD3AE 1: SECRET KEY", "SECTION 1: NAME", "NAME 1: FIRST NAME", "NAME 2: INITIAL",
           "NAME 3: LAST NAME", "NAME 4: BIRTH DATE", "NAME 5: OCCUPATION", "NAME 6: COMPANY", "NAME 7: DEPARTMENT",
           "NAME 8: JOB TITLE", "SECTION 2: ADDRESS", "ADDRESS 1: ADDRESS", "ADDRESS 2: DEFAULT PHONE",
           "SECTION 3: INTERNET", "INTERNET 1: USERNAME", "INTERNET 2: EMAIL", "1: CARDHOLDER NAME", "2: NUMBER",
           "3: VERIFICATION NUMBER", "4: EXPIRY DATE", "SECTION 2: SECTION_PZET7LEKRQXZUINIEGH5ABA2UY",
           "SECTION_PZET7LEKRQXZUINIEGH5ABA2UY 1: LABEL")
WINDOWS_ROWS = [
    {"UUID": "xjq32axcswefpcxu2mtxxqnufa", "TITLE": "1Password Account", "USERNAME": "zoë@example.com",
     "PASSWORD": PASSWORD, "URL": "https://my.1password.com",
     "URLS": "https://my.1password.com\nhttps://1password.eu", "EMAIL": "zoë@example.com",
     "MASTER-PASSWORD": PASSWORD, "ACCOUNT-KEY": "A3-76TR2N-NJG3TZ", "SCOPE": "Default", "AUTOSUBMIT": "Default",
     "TAGS": '"Starter Kit",Work', "NOTES": NOTES, "SECTION 1: WXHDKEQREE3TH6QRFCPFPSD3AE": "🔑 Secret Key",
     "WXHDKEQREE3TH6QRFCPFPSD3AE 1: SECRET KEY": "the account's secret key"},
    {"UUID": "6v56y5z4tejwg37jsettta7d7m", "TITLE": "Identity Item", "SCOPE": "Default", "AUTOSUBMIT": "Default",
     "TAGS": "Starter Kit", "NOTES": "It’s you! 🖐", "SECTION 1: NAME": "Identification",
     "NAME 1: FIRST NAME": "Zoë", "NAME 2: INITIAL": "M", "NAME 3: LAST NAME": "Ünïcødé",
     "NAME 4: BIRTH DATE": "12/2/2020 4:01 AM", "NAME 5: OCCUPATION": "engineer", "NAME 6: COMPANY": "ACME, Inc.",
     "NAME 7: DEPARTMENT": "R&D", "NAME 8: JOB TITLE": "Engineer", "SECTION 2: ADDRESS": "Address",
     "ADDRESS 1: ADDRESS": "1 Chome 東京 13 100-0001 jp", "ADDRESS 2: DEFAULT PHONE": "8005555555",
     "SECTION 3: INTERNET": "Internet Details", "INTERNET 1: USERNAME": "zoe", "INTERNET 2: EMAIL": "zoe@example.com"},
    {"UUID": "sd26pt226etnsijbl3kqzi5bmm", "TITLE": QUOTED, "SCOPE": "Default", "AUTOSUBMIT": "Default",
     "1: CARDHOLDER NAME": UNICODE, "2: NUMBER": "4111111111111111", "3: VERIFICATION NUMBER": "111",
     "4: EXPIRY DATE": "1/3/2030 12:23 AM", "SECTION 2: SECTION_PZET7LEKRQXZUINIEGH5ABA2UY": "section",
     "SECTION_PZET7LEKRQXZUINIEGH5ABA2UY 1: LABEL": "field (phone)"},
    {"UUID": "oml2sgit3yk7737kxdis65o4xq", "TITLE": "🎉 Welcome to 1Password!", "SCOPE": "Default",
     "AUTOSUBMIT": "Default", "TAGS": "Starter Kit", "NOTES": NOTES},
]
WINDOWS_ITEMS = [
    new_item("login", "1Password Account", notes=NOTES, folder="Starter Kit", login={
        "username": "zoë@example.com", "password": PASSWORD,
        "uris": [new_uri("https://my.1password.com"), new_uri("https://1password.eu")]},
        fields=[new_field("Master password", PASSWORD, "hidden"),
                new_field("Account key", "A3-76TR2N-NJG3TZ", "hidden"),
                new_field("Secret key", "the account's secret key", "hidden")]),
    new_item("identity", "Identity Item", notes="It’s you! 🖐", folder="Starter Kit", identity={
        "first_name": "Zoë", "middle_name": "M", "last_name": "Ünïcødé", "company": "ACME, Inc.",
        "address1": "1 Chome 東京 13 100-0001 jp", "phone": "8005555555", "username": "zoe",
        "email": "zoe@example.com"},
        fields=[new_field("Birth date", "12/2/2020 4:01 AM"), new_field("Occupation", "engineer"),
                new_field("Department", "R&D"), new_field("Job title", "Engineer")]),
    new_item("card", QUOTED, card={"cardholder_name": UNICODE, "number": "4111111111111111", "code": "111",
                                   "exp_month": "1", "exp_year": "2030"},
             fields=[new_field("Label", "field (phone)")]),
    new_item("note", "🎉 Welcome to 1Password!", notes=NOTES, folder="Starter Kit"),
]


def test_1password_7_for_mac_writes_quotes_with_backslashes_and_tags_as_a_property_list():
    content = onepassword_mac_csv(MAC_ROWS[:1])
    assert b'"{(\n    \\"Starter Kit\\",\n    Work\n)}"' in content
    assert content.splitlines()[0].endswith(b'"Yahoo(yahoo)",')


def test_1password_7_for_mac_items_become_logins_cards_identities_and_notes():
    content = onepassword_mac_csv(MAC_ROWS)
    assert detect_format("1Password.csv", content) == "onepassword_csv"
    assert parse("onepassword_csv", content) == MAC_ITEMS


def test_1password_7_for_windows_items_are_told_apart_by_the_fields_they_fill():
    content = onepassword_win_csv(WINDOWS, WINDOWS_ROWS)
    assert content.startswith(b'"UUID","TITLE","USERNAME"') and b'\\"Starter Kit\\"' in content
    assert detect_format("1Password.csv", content) == "onepassword_csv"
    assert parse("onepassword_csv", content) == WINDOWS_ITEMS


def test_a_1password_7_for_windows_card_export_alone_is_read():
    header = ("UUID", "TITLE", "SCOPE", "AUTOSUBMIT", "1: CARDHOLDER NAME", "2: NUMBER", "3: VERIFICATION NUMBER",
              "4: EXPIRY DATE")
    content = onepassword_win_csv(header, [WINDOWS_ROWS[2]])
    assert detect_format("cards.csv", content) == "onepassword_csv"
    assert parse("onepassword_csv", content) == [{**WINDOWS_ITEMS[2], "fields": []}]


def test_a_1password_7_item_without_a_title_is_refused_at_its_line():
    content = onepassword_win_csv(WINDOWS, [WINDOWS_ROWS[3], {"UUID": "x", "TITLE": " ", "SCOPE": "Default"}])
    with pytest.raises(ImportRefused) as refused:
        parse("onepassword_csv", content)
    assert (refused.value.line, refused.value.reason) == (3 + NOTES.count("\n"), "The name is empty.")


def test_1password_8s_export_is_still_read_as_logins():
    content = csv_file(("Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes"),
                       [{"Title": UNICODE, "Url": "https://example.com", "Username": "zoë", "Password": PASSWORD,
                         "OTPAuth": TOTP, "Favorite": "true", "Archived": "false", "Tags": "Work,Travel"}], bom=True)
    assert parse("onepassword_csv", content) == [
        new_item("login", UNICODE, favorite=True, folder="Work", login={
            "username": "zoë", "password": PASSWORD, "totp": TOTP, "uris": [new_uri("https://example.com")]})]


def test_a_file_of_another_kind_picked_as_1password_names_the_column_it_lacks():
    with pytest.raises(ImportRefused, match="column “title” is missing") as refused:
        parse("onepassword_csv", csv_file(("name", "url", "username", "password"), [{"name": "a"}]))
    assert refused.value.line == 1
