"""The identity service's HTTP API: thin views that parse, call one handler and answer.

One blueprint, its views split by concept across the modules imported below.
"""
from apiflask import APIBlueprint

bp = APIBlueprint("identity", __name__)

from . import accounts, demos, master_password, passkeys, two_factor  # noqa: E402,F401 - they register their views on bp
