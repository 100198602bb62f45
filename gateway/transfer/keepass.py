"""KeePass 2's XML export: nested groups become folder paths, each entry a login."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from xml.parsers import expat

from .errors import ImportRefused
from .items import new_field, new_item, new_uri

ROOT_TAG = "KeePassFile"
STANDARD_KEYS = {"Title", "UserName", "Password", "URL", "Notes"}
# KeePassXC keeps a TOTP as an otpauth URI under "otp"; KeePass 2.47+ keeps a bare secret.
TOTP_KEYS = ("otp", "TimeOtp-Secret-Base32")
# KeePassRPC (the Kee browser add-on) stores its own matching data, nothing the person typed.
PLUGIN_KEYS = {"KPRPC JSON"}


def _refuse_declaration(*_: object) -> None:
    raise ImportRefused("The file declares a document type or entities, which KeePass never writes: "
                        "it is refused for safety.")


def parse_xml(content: bytes) -> ET.Element:
    """The element tree of an XML file, refusing DOCTYPE and ENTITY declarations (XML bombs)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    # Without a document type there is nowhere to declare an entity, so nothing can expand.
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        raise ImportRefused("The file is not valid XML.", line=error.lineno) from None
    return builder.close()


def read_xml(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each entry outside the recycle bin, in document order."""
    root = parse_xml(content)
    if root.tag != ROOT_TAG:
        raise ImportRefused("The file is not a KeePass XML export.")
    top = root.find("Root/Group")
    if top is None:
        raise ImportRefused("The file holds no items.")
    meta = root.find("Meta")
    recycle_bin = None
    if meta is not None and (meta.findtext("RecycleBinEnabled") or "True").lower() == "true":
        recycle_bin = (meta.findtext("RecycleBinUUID") or "").strip() or None
    for number, (path, entry) in enumerate(_entries(top, recycle_bin), 1):
        try:
            yield {"entry": number}, _plain(entry, path)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _entries(top: ET.Element, recycle_bin: str | None) -> Iterator[tuple[str, ET.Element]]:
    # A stack of child iterators keeps document order without recursing once per nesting level.
    stack = [((), iter(top))]
    while stack:
        path, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
        elif child.tag == "Entry":
            yield "/".join(path), child
        elif child.tag == "Group" and (child.findtext("UUID") or "").strip() != recycle_bin:
            stack.append(((*path, (child.findtext("Name") or "").strip()), iter(child)))


def _plain(entry: ET.Element, folder: str) -> dict:
    values: dict[str, str] = {}
    fields = []
    for string in entry.findall("String"):
        key = string.findtext("Key") or ""
        value_element = string.find("Value")
        value = (value_element.text or "") if value_element is not None else ""
        attributes = value_element.attrib if value_element is not None else {}
        if attributes.get("Protected", "").lower() == "true":
            raise ImportRefused("The entry holds an encrypted value: export the database with File → Export → "
                                "KeePass XML (2.x), which writes every value readable.")
        if key in STANDARD_KEYS or key in TOTP_KEYS:
            values.setdefault(key, value)
        elif value.strip() and key not in PLUGIN_KEYS:
            hidden = attributes.get("ProtectInMemory", "").lower() == "true"
            fields.append(new_field(key, value, "hidden" if hidden else "text"))
    name = values.get("Title", "")
    if not name.strip():
        raise ImportRefused("The name is empty.")
    url = values.get("URL", "").strip()
    totp = next((values[key].strip() for key in TOTP_KEYS if values.get(key, "").strip()), "")
    return new_item("login", name, notes=values.get("Notes", ""), folder=folder, fields=fields, login={
        "username": values.get("UserName", ""), "password": values.get("Password", ""), "totp": totp,
        "uris": [new_uri(url)] if url else []})
