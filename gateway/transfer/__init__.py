"""Moving vault items in and out: export files of password managers to and from plain items.

A plain item is a dict (see `items.new_item`) that exists only in the gateway's memory;
nothing here touches Flask, a database or the network.
"""

from .detect import Detection, detect, detect_format
from .errors import ImportRefused, PasswordNeeded, WrongPassword
from .export import export_csv, export_encrypted_json, export_json
from .formats import FORMATS, parse
from .items import check_item, completed, new_field, new_item, new_uri
from .protection import EXPORT_KDF_ITERATIONS
from .reading import check_size, too_large
from .sources import SOURCES, Source

__all__ = [
    "EXPORT_KDF_ITERATIONS",
    "Detection",
    "FORMATS",
    "SOURCES",
    "ImportRefused",
    "PasswordNeeded",
    "Source",
    "WrongPassword",
    "check_item",
    "check_size",
    "completed",
    "detect",
    "detect_format",
    "export_csv",
    "export_encrypted_json",
    "export_json",
    "new_field",
    "new_item",
    "new_uri",
    "parse",
    "too_large",
]
