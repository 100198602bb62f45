"""Signed HTTP calls to a Custodian service, for the gateway and for service-to-service asks."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Mapping, NamedTuple
from urllib.parse import unquote, urlsplit

import requests

from .internal_auth import HEADER, Caller, CallerSigner, InternalRequest
from .observability import REQUEST_ID_HEADER


STREAM_BLOCK = 64 * 1024 + 16  # one sealed chunk of a Send's file (CSF1), the unit its reader decrypts
NOT_ANSWERING = "Part of Custodian is not answering right now. Nothing was changed; try again in a moment."


class ServiceError(Exception):
    """A service refused the call. `code` and `params` say which refusal it is (the gateway shows it in the
    user's language from them, see gateway/refusals.py); `message` is its English text, for logs."""

    def __init__(self, status: int, message: str, field: str | None = None, error: str = "",
                 retry_after: int | None = None, code: str = "", params: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.error = error
        self.retry_after = retry_after
        self.code = code
        self.params = dict(params or {})


class Refused(ServiceError):
    """The service found the request wrong (400, 422): `field` names what to correct."""


class NotAuthenticated(ServiceError):
    """The service does not know who asks, or the proof was wrong (401): a wrong master password."""


class NotAllowed(ServiceError):
    """The caller may not do this (403)."""


class NotFound(ServiceError):
    """There is no such thing, or not one the caller may know of (404)."""


class Conflict(ServiceError):
    """The request clashes with the current state (409), e.g. a name already taken."""


class Throttled(ServiceError):
    """Too many attempts (429); `retry_after` says in how many seconds to try again."""


_REFUSALS = {400: Refused, 422: Refused, 401: NotAuthenticated, 403: NotAllowed, 404: NotFound, 409: Conflict,
             429: Throttled}


class BodyTooLarge(ServiceError):
    """A call whose body is larger than the service would accept: not sent at all."""

    def __init__(self, service: str):
        super().__init__(413, "The request is too large.", error="BodyTooLarge", code="request.too_large")
        self.service = service


class ServiceUnavailable(ServiceError):
    """The service did not answer (down, overloaded or unreachable)."""

    def __init__(self, service: str):
        super().__init__(503, NOT_ANSWERING, error="ServiceUnavailable", code="service.unavailable")
        self.service = service


class Streamed(NamedTuple):
    """A streamed answer: its body, block by block, and its headers (Content-Length, Content-Type)."""

    chunks: Iterator[bytes]
    headers: Mapping[str, str]


class ServiceClient:
    """Calls one service, signing the caller into every request."""

    def __init__(self, service: str, base_url: str, signer: CallerSigner, timeout: float = 10):
        self.service = service
        self.base_url = base_url.rstrip("/")
        self._signer = signer
        self._timeout = timeout
        self._http = requests.Session()

    def _signed(self, method: str, path: str, caller: Caller, max_body: int | None = None,
                **request) -> requests.PreparedRequest:
        prepared = requests.Request(method, self.base_url + path, **request).prepare()
        if max_body is not None and len(prepared.body or b"") > max_body:
            raise BodyTooLarge(self.service)
        target = urlsplit(prepared.url)
        # Signed as it goes on the wire: the encoded query and the very bytes of the body.
        call = InternalRequest(method, unquote(target.path), target.query, prepared.body or b"")
        prepared.headers[HEADER] = self._signer.sign(caller, call)
        prepared.headers[REQUEST_ID_HEADER] = caller.request_id
        return prepared

    def _answer(self, prepared: requests.PreparedRequest, timeout: float | None,
                stream: bool = False) -> requests.Response:
        """The service's answer to `prepared`, or its refusal raised as a ServiceError."""
        try:
            response = self._http.send(prepared, timeout=timeout or self._timeout, stream=stream)
        except requests.RequestException as error:
            raise ServiceUnavailable(self.service) from error
        if response.status_code < 400:
            return response
        with response:  # a refusal's body is a small JSON document, read whole
            if response.status_code >= 500:
                raise ServiceUnavailable(self.service)
            body = (response.json() if response.content else None) or {}
        message = body.get("message") or "The request was refused."
        code, params = body.get("code") or "", body.get("params") or {}
        detail = body.get("detail")
        if detail and not body.get("field"):
            message, field = _first_validation_problem(detail, message)
            code, params = _validation_code(message, field), {"field": field}
        else:
            field = body.get("field")
        refusal = _REFUSALS.get(response.status_code, ServiceError)
        raise refusal(response.status_code, message, field, body.get("error", ""),
                      int(response.headers.get("Retry-After", "0")) or None, code=code, params=params)

    def call(self, method: str, path: str, caller: Caller, json=None, params=None, timeout: float | None = None,
             max_body: int | None = None):
        """The JSON answer of `method path`; ServiceError for a refusal, BodyTooLarge (nothing sent) for a
        body over `max_body` bytes."""
        response = self._answer(self._signed(method, path, caller, max_body, json=json, params=params), timeout)
        return response.json() if response.content else None

    def send_bytes(self, method: str, path: str, caller: Caller, body: bytes, timeout: float | None = None):
        """`body` as the raw octet-stream body of `method path` (a Send's part): the JSON answer, if any;
        refusals raised as by `call`. The signature covers the body's hash, as for JSON."""
        prepared = self._signed(method, path, caller, data=bytes(body),
                                headers={"Content-Type": "application/octet-stream"})
        response = self._answer(prepared, timeout)
        return response.json() if response.content else None

    @contextmanager
    def stream(self, method: str, path: str, caller: Caller, json=None, timeout: float | None = None):
        """A context manager giving the answer of `method path` as `Streamed(chunks, headers)`, the body read a
        block at a time as `chunks` is iterated (a Send's file is never held whole); refusals are raised
        as by `call`, before anything is given."""
        response = self._answer(self._signed(method, path, caller, json=json), timeout, stream=True)
        with response:
            yield Streamed(response.iter_content(STREAM_BLOCK), response.headers)

    def get(self, path: str, caller: Caller, **params):
        """GET `path` with query `params`."""
        return self.call("GET", path, caller, params=params or None)

    def post(self, path: str, caller: Caller, json=None, timeout: float | None = None, max_body: int | None = None):
        """POST `json` to `path` (waiting longer than usual when `timeout` says so; see `call` for `max_body`)."""
        return self.call("POST", path, caller, json=json if json is not None else {}, timeout=timeout,
                         max_body=max_body)


def _first_validation_problem(detail: dict, fallback: str) -> tuple[str, str | None]:
    # APIFlask reports validation errors as {"json": {"field": ["message", ...]}}.
    for location in detail.values():
        if isinstance(location, dict):
            for field, messages in location.items():
                text = messages[0] if isinstance(messages, list) and messages else str(messages)
                return str(text), field
    return fallback, None


def _validation_code(message: str, field: str | None) -> str:
    """The code of a request-shape refusal (a 422 with `detail`): a field missing or not valid."""
    if field is None:
        return "request.invalid"
    return "field.required" if "required" in message.lower() or "missing" in message.lower() else "field.invalid"
