"""Proton Pass's unencrypted export: data.json of vaults and their items, alone or in the ZIP Proton Pass saves."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping

from services.common.config import ImportLimits

from .bitwarden import load_json
from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .reading import check_size, json_text

DATA_FILE = "Proton Pass/data.json"
ENCRYPTED_FILE = "Proton Pass/data.pgp"
TRASHED = 2
IDENTITY_KEYS = {"email": "email", "phoneNumber": "phone", "company": "company", "socialSecurityNumber": "ssn",
                 "passportNumber": "passport_number", "licenseNumber": "license_number", "streetAddress": "address1",
                 "floor": "address2", "county": "address3", "city": "city", "stateOrProvince": "state",
                 "zipOrPostalCode": "postal_code", "countryOrRegion": "country"}
NAME_KEYS = ("fullName", "firstName", "middleName", "lastName")
EXTRA_LISTS = ("extraPersonalDetails", "extraAddressDetails", "extraContactDetails", "extraWorkDetails")
# How Proton Pass's other identity values read as custom field names.
IDENTITY_FIELD_NAMES = {"organization": "Organization", "birthdate": "Birth date", "gender": "Gender",
                        "website": "Website", "xHandle": "X handle", "secondPhoneNumber": "Second phone number",
                        "linkedin": "LinkedIn", "reddit": "Reddit", "facebook": "Facebook", "yahoo": "Yahoo",
                        "instagram": "Instagram", "jobTitle": "Job title", "personalWebsite": "Personal website",
                        "workPhoneNumber": "Work phone number", "workEmail": "Work email"}


def data_json(content: bytes, limits: ImportLimits) -> bytes:
    """The data.json of a Proton Pass export: the file itself, or the one inside its ZIP."""
    if not content.startswith(b"PK\x03\x04"):
        return content
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if ENCRYPTED_FILE in names:
                raise ImportRefused("The Proton Pass export is encrypted with PGP: export it again without "
                                    "encryption.")
            if DATA_FILE not in names:
                raise ImportRefused("The ZIP file holds no “%(file)s”: it is not a Proton Pass export.",
                                    file=DATA_FILE)
            # The declared size can lie; reading one byte past the limit catches a ZIP bomb either way.
            with archive.open(DATA_FILE) as stream:
                data = stream.read(limits.file_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise ImportRefused("The ZIP file is damaged and cannot be opened.") from None
    check_size(data, limits)
    return data


def holds_data(names: list[str]) -> bool:
    """Whether a ZIP file holding the files `names` is a Proton Pass export, encrypted or not."""
    return bool({DATA_FILE, ENCRYPTED_FILE} & set(names))


def looks_like_json(document: object) -> bool:
    """Whether a JSON document is Proton Pass's export: vaults, and the user and version it came from."""
    return (isinstance(document, Mapping) and isinstance(document.get("vaults"), (Mapping, list))
            and "userId" in document and "version" in document)


def read(content: bytes, limits: ImportLimits = ImportLimits()) -> Iterator[tuple[dict, dict | None]]:
    """(place, plain item) for each item of each vault; the vault becomes the item's collection."""
    document = load_json(data_json(content, limits))
    vaults = document.get("vaults") if isinstance(document, Mapping) else None
    if not isinstance(vaults, (Mapping, list)):
        raise ImportRefused("The file is not a Proton Pass export: it has no “%(key)s”.", key="vaults")
    if document.get("encrypted") is True:
        raise ImportRefused("The Proton Pass export is encrypted with PGP: export it again without encryption.")
    number = 0
    for vault in vaults.values() if isinstance(vaults, Mapping) else vaults:
        if not isinstance(vault, Mapping) or not isinstance(vault.get("items"), list):
            raise ImportRefused("A vault of the file is not readable: it has no list of items.")
        vault_name = json_text(vault.get("name")).strip()
        for raw in vault["items"]:
            number += 1
            try:
                if not isinstance(raw, Mapping) or not isinstance(raw.get("data"), Mapping):
                    raise ImportRefused("The item is not readable.")
                # Items in Proton Pass's trash stay behind, as they would in any other export.
                yield {"entry": number}, None if raw.get("state") == TRASHED else _plain(raw, vault_name)
            except ImportRefused as error:
                raise error.located(entry=number) from None


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _field(extra: object) -> dict | None:
    """A custom field for one of Proton Pass's extra fields, None when it holds nothing."""
    extra = _mapping(extra)
    data = _mapping(extra.get("data"))
    kind = extra.get("type")
    if kind == "totp":
        value, field_type = json_text(data.get("totpUri")), "hidden"
    elif kind == "timestamp":
        value, field_type = json_text(data.get("timestamp") or data.get("content")), "text"
    else:
        value, field_type = json_text(data.get("content")), "hidden" if kind == "hidden" else "text"
    name = json_text(extra.get("fieldName"))
    return new_field(name, value, field_type) if value.strip() or name.strip() else None


def _fields(extras: object) -> list[dict]:
    return [field for field in map(_field, extras if isinstance(extras, list) else ()) if field]


def _section_fields(sections: object) -> list[dict]:
    return [field for section in (sections if isinstance(sections, list) else ())
            for field in _fields(_mapping(section).get("sectionFields"))]


def _plain(raw: Mapping, vault_name: str) -> dict:
    data = raw["data"]
    metadata = _mapping(data.get("metadata"))
    content = _mapping(data.get("content"))
    name = json_text(metadata.get("name"))
    if not name.strip():
        raise ImportRefused("The name is empty.")
    kind = data.get("type")
    common = {"notes": json_text(metadata.get("note")), "favorite": raw.get("pinned") is True,
              "collections": [vault_name] if vault_name else []}
    fields = _fields(data.get("extraFields"))
    if kind == "login":
        return _login(name, content, fields, common)
    if kind == "alias":
        # An alias is an address that forwards to the person's mailbox: the address is what signs in.
        return new_item("login", name, login={"username": json_text(raw.get("aliasEmail"))}, fields=fields, **common)
    if kind == "creditCard":
        year, _, month = json_text(content.get("expirationDate")).partition("-")
        pin = [new_field("PIN", json_text(content.get("pin")), "hidden")] if json_text(content.get("pin")).strip() else []
        return new_item("card", name, card={
            "cardholder_name": json_text(content.get("cardholderName")), "number": json_text(content.get("number")),
            "code": json_text(content.get("verificationNumber")), "exp_month": month.lstrip("0"), "exp_year": year},
            fields=pin + fields, **common)
    if kind == "identity":
        return _identity(name, content, fields, common)
    if kind == "note":
        return new_item("note", name, fields=fields, **common)
    if kind == "sshKey":
        key_fields = [new_field("Private key", json_text(content.get("privateKey")), "hidden"),
                      new_field("Public key", json_text(content.get("publicKey"))),
                      new_field("Fingerprint", json_text(content.get("fingerprint")))]
        return new_item("note", name, fields=[f for f in key_fields if f["value"].strip()] + fields
                        + _section_fields(content.get("sections")), **common)
    if kind == "wifi":
        wifi_fields = [new_field("SSID", json_text(content.get("ssid"))),
                       new_field("Password", json_text(content.get("password")), "hidden"),
                       new_field("Security", json_text(content.get("security")))]
        return new_item("note", name, fields=[f for f in wifi_fields if f["value"].strip()] + fields
                        + _section_fields(content.get("sections")), **common)
    if kind == "custom":
        return new_item("note", name, fields=fields + _section_fields(content.get("sections")), **common)
    raise ImportRefused("The item type “%(type)s” is not supported.", type=json_text(kind))


def _login(name: str, content: Mapping, fields: list[dict], common: dict) -> dict:
    username, email = json_text(content.get("itemUsername")), json_text(content.get("itemEmail"))
    if username.strip() and email.strip():
        fields = [new_field("Email", email), *fields]
    urls = content.get("urls") if isinstance(content.get("urls"), list) else []
    return new_item("login", name, fields=fields, login={
        "username": username if username.strip() else email, "password": json_text(content.get("password")),
        "totp": json_text(content.get("totpUri")), "uris": [new_uri(json_text(url).strip()) for url in urls
                                                        if json_text(url).strip()]}, **common)


def _identity(name: str, content: Mapping, fields: list[dict], common: dict) -> dict:
    first, middle, last = (json_text(content.get(key)) for key in NAME_KEYS[1:])
    full_name = json_text(content.get("fullName")).split()
    if not (first or middle or last) and full_name:
        first, middle, last = full_name[0], " ".join(full_name[1:-1]), full_name[-1] if len(full_name) > 1 else ""
    identity = {"first_name": first, "middle_name": middle, "last_name": last}
    identity.update({key: json_text(content.get(source)) for source, key in IDENTITY_KEYS.items()})
    others = [new_field(IDENTITY_FIELD_NAMES.get(key, key), json_text(value)) for key, value in content.items()
              if key not in IDENTITY_KEYS and key not in NAME_KEYS and key not in EXTRA_LISTS
              and key != "extraSections" and isinstance(value, (str, int, float)) and json_text(value).strip()]
    extras = [field for key in EXTRA_LISTS for field in _fields(content.get(key))]
    return new_item("identity", name, identity=identity,
                    fields=others + extras + _section_fields(content.get("extraSections")) + fields, **common)
