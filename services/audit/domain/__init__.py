"""The rules of the event log, by concept: keeping events (`ingest`), reading them (`log`), the public API's
keys (`api_keys`) and how long events are kept (`retention`). No Flask here."""
from services.common.paging import BadCursor

from .api_keys import CALLS_PER_MINUTE, NewKey, api_key, authenticate, client_id_of, issue
from .ingest import logs_of, record, record_all, search_text
from .log import (DEFAULT_DAYS, MAX_PAGE_SIZE, MAX_TEXT, PAGE_SIZE, BadFilter, EventFilter, EventPage, Log,
                  actors_of, count_of, cursor_at, events_page, names_of)
from .retention import (MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, drop_published_copies, purge, retention_days,
                        set_retention)

__all__ = ["BadCursor", "CALLS_PER_MINUTE", "NewKey", "api_key", "authenticate", "client_id_of", "issue", "logs_of",
           "record", "record_all", "search_text", "DEFAULT_DAYS", "MAX_PAGE_SIZE", "MAX_TEXT", "PAGE_SIZE",
           "BadFilter", "EventFilter", "EventPage", "Log", "actors_of", "cursor_at", "events_page", "names_of",
           "MAX_RETENTION_DAYS", "MIN_RETENTION_DAYS", "purge", "retention_days", "set_retention", "count_of",
           "drop_published_copies"]

