"""The orgs service's HTTP API: thin views that parse, call one handler and answer.

One blueprint, its views split by concept across the modules imported below.
"""
from apiflask import APIBlueprint

bp = APIBlueprint("orgs", __name__)

from . import clients, event_logs, integrations, members, personal, policies, reports, sends, sharing, staff, training_hub, vault  # noqa: E402,F401 - they register their views on bp
