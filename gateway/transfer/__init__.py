"""Moving vault items in and out: export files of password managers to and from plain items.

A plain item is a dict (see `items.new_item`) that exists only in the gateway's memory;
nothing here touches Flask, a database or the network.
"""

from .detect import detect_format
from .errors import ImportRefused, PasswordNeeded, WrongPassword
from .export import export_csv, export_encrypted_json, export_json
from .formats import FORMATS, parse
from .items import MAX_FILE_BYTES, MAX_ITEMS, check_item, completed, new_field, new_item, new_uri
from .protection import EXPORT_KDF_ITERATIONS
from .sources import SOURCES, Source

__all__ = [
    "EXPORT_KDF_ITERATIONS",
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_ITEMS",
    "SOURCES",
    "ImportRefused",
    "PasswordNeeded",
    "Source",
    "WrongPassword",
    "check_item",
    "completed",
    "detect_format",
    "export_csv",
    "export_encrypted_json",
    "export_json",
    "new_field",
    "new_item",
    "new_uri",
    "parse",
]
