"""The gateway's typed clients of the services: one module per service, one method per use.

A view asks `orgs()` (or `identity()`, `billing()`, `audit()`, in `gateway.backends`) for the
service as the person of the current request, and calls a method named for what the page
needs: no view spells a service's path, and a page's calls can be counted where it makes them.
Refusals arrive typed (`Refused`, `NotAuthenticated`, `NotAllowed`, `NotFound`, `Conflict`,
`Throttled`, all `ServiceError`s). What one request has read already is not asked twice (see `Orgs.organization`).
"""
from __future__ import annotations

from services.common.internal_auth import Caller
from services.common.internal_http import ServiceClient


class BoundClient:
    """A service's client bound to who acts: every call is signed as `caller`."""

    def __init__(self, http: ServiceClient, caller: Caller):
        self._http = http
        self._caller = caller

    def _get(self, path: str, **params):
        return self._http.get(path, self._caller, **params)

    def _post(self, path: str, json: dict | None = None, **options):
        return self._http.post(path, self._caller, json, **options)

    def _put(self, path: str, json: dict):
        return self._http.call("PUT", path, self._caller, json=json)

    def _delete(self, path: str):
        return self._http.call("DELETE", path, self._caller)
