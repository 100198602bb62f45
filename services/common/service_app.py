"""What every service's Flask app has in common: the parts each `create_app` joins.

A service app is an APIFlask app: request bodies are typed (pydantic) models, and the
OpenAPI document at `/openapi.json` is generated from them. Every route but the health,
metrics and OpenAPI ones demands a signed caller (see `internal_auth`).
"""
from __future__ import annotations

import logging

from apiflask import APIFlask
from flask import current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from prometheus_client import Gauge
from sqlalchemy import text

from . import observability
from .bus import NatsLink, nats_probe, unpublished_count
from .config import Settings
from .database import UnitOfWork, make_engine
from .errors import DomainError, Forbidden, NotFound, TooManyAttempts, Unauthenticated, Unavailable
from .internal_auth import HEADER, Caller, CallerSigner, InternalRequest, NoncesUnavailable, NotSigned
from .internal_http import NOT_ANSWERING, ServiceClient, ServiceError, ServiceUnavailable
from .nonces import NatsNonces

MAX_JSON_DEPTH = 32  # our deepest body (an import: items, data, login, uris, one uri) is 6 levels
OPEN_ENDPOINTS = {"healthz", "readyz", "metrics", "openapi.spec", "openapi.docs", "openapi.redoc", "static"}
log = logging.getLogger(__name__)


class BodyTooDeep(DomainError):
    """A JSON body nested deeper than any request of ours: refused before anything walks it."""


class BoundedJSON(DefaultJSONProvider):
    """Request bodies are parsed here (APIFlask asks Flask, Flask asks this), so this is where
    nesting is bounded: deep enough, parsing or anything walking the result runs out of stack."""

    def loads(self, s, **kwargs):
        """The parsed body; BodyTooDeep when it is nested more than MAX_JSON_DEPTH levels."""
        refusal = BodyTooDeep("The request body is nested more than %(depth)s levels deep.", code="request.too_deep",
                              depth=MAX_JSON_DEPTH)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise refusal from None
        level = [value] if isinstance(value, (dict, list)) else []
        for _ in range(MAX_JSON_DEPTH):  # one level at a time, so walking uses no stack either
            level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                     if isinstance(child, (dict, list))]
        if level:
            raise refusal
        return value


def create_service_app(name: str, settings: Settings, models, blueprint, version: str = "1.0",
                       large_bodies: dict[str, int] | None = None) -> APIFlask:
    """The Flask app of service `name`, its routes from `blueprint`, its tables in `models`; the endpoints
    in `large_bodies` accept bodies up to their number of bytes instead of 1 MB."""
    app = APIFlask(f"services.{name}", title=f"Custodian {name} service", version=version,
                   docs_path="/docs", spec_path="/openapi.json")
    app.json = BoundedJSON(app)
    app.config.update(
        VALIDATION_ERROR_STATUS_CODE=422,
        VALIDATION_ERROR_DESCRIPTION="The request does not match the expected fields and types.",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
    )
    engine = make_engine(settings.database_url)
    link = NatsLink(settings.nats_url, f"{name}-web")
    app.extensions["custodian"] = {
        "settings": settings,
        "engine": engine,
        "signer": CallerSigner(settings.internal_secret),
        "nonces": NatsNonces(link, name),
        "wake_relay": lambda: link.wake_relay(name),
        "outbox": models.OutboxMessage,
        "large_bodies": dict(large_bodies or {}),
    }
    observability.configure_logging(name, settings.log_level)
    observability.init_app(app, name, {
        "database": lambda: _database_answers(engine),
        "nats": nats_probe(settings.nats_url),
    }, metrics_token=settings.metrics_token)

    Gauge("outbox_pending_events", "Events committed but not yet published to NATS",
          registry=app.extensions["metrics_registry"]).set_function(
        lambda: unpublished_count(engine, models.OutboxMessage))

    @app.before_request
    def _verify_caller():
        if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
            return None
        ext = app.extensions["custodian"]
        # The signature covers the body, so it is read here: a larger limit must be set before that.
        if request.endpoint in ext["large_bodies"]:
            request.max_content_length = ext["large_bodies"][request.endpoint]
        call = InternalRequest(request.method, request.path, request.query_string.decode("latin-1"),
                               request.get_data(cache=True))
        try:
            g.caller = ext["signer"].verify(request.headers.get(HEADER), call, ext["nonces"])
        except NotSigned as error:
            log.warning("refused an unsigned call to %s: %s", request.path, error)
            return jsonify(message="This service only answers signed internal calls, each once.",
                           error="NotSigned", code="request.not_signed", params={}), 401
        except NoncesUnavailable:
            # Fail closed: without the shared nonces a replay cannot be told from a first call.
            # 503 (not 401): the call may be genuine, and the gateway says "try again" for it.
            raise Unavailable(NOT_ANSWERING, code="service.unavailable") from None
        return None

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        response = jsonify(error.as_json())
        response.status_code = error.status
        if isinstance(error, TooManyAttempts):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    app.register_blueprint(blueprint)
    return app


def ask(service: str, path: str, json: dict | None = None) -> dict:
    """GET `path` of another service (POST `json` to it, for a question too long for a URL) on
    behalf of the current caller: a small internal call.

    The other service's refusal becomes ours: 404 stays 404, so nothing leaks through us.
    """
    ext = current_app.extensions["custodian"]
    clients = ext.setdefault("clients", {})
    if service not in clients:
        clients[service] = ServiceClient(service, ext["settings"].service_urls[service], ext["signer"], timeout=5)
    call = g.caller
    on_behalf = Caller(by=ext["settings"].process, actor_id=call.actor_id, request_id=g.get("request_id", ""),
                       ip=call.ip, device=call.device)
    try:
        if json is not None:
            return clients[service].post(path, on_behalf, json)
        return clients[service].get(path, on_behalf)
    except ServiceUnavailable as error:
        raise Unavailable(NOT_ANSWERING, code="service.unavailable") from error
    except ServiceError as error:
        refusal = {404: NotFound, 403: Forbidden, 401: Unauthenticated}.get(error.status, DomainError)
        raise refusal.relayed(error.message, error.field, error.code, error.params) from error


def _database_answers(engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


def caller() -> Caller:
    """The verified caller of the current request."""
    return g.caller


def acting_user() -> str:
    """The id of the user the current request acts for; 401 if it acts for nobody."""
    actor = g.caller.actor_id
    if not actor:
        raise Unauthenticated("Log in first.", code="session.log_in_first")
    return actor


def unit_of_work() -> UnitOfWork:
    """A new unit of work on this service's database; its events wake the relay once committed."""
    ext = current_app.extensions["custodian"]
    return UnitOfWork(ext["engine"], ext["outbox"], ext["wake_relay"])


def settings() -> Settings:
    """This process's settings."""
    return current_app.extensions["custodian"]["settings"]


def event_context() -> dict:
    """The envelope fields every event raised during this request carries."""
    call = g.caller
    return {"actorid": call.actor_id, "ip": call.ip, "devicetype": call.device,
            "traceparent": observability.traceparent(g.get("request_id"))}


__all__ = ["create_service_app", "caller", "acting_user", "unit_of_work", "settings", "event_context", "ask"]
