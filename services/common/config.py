"""Settings read once per process from the environment.

Every process of Custodian (the gateway, each service and each worker) builds one
`Settings` at start-up. A missing secret stops the process with a message that names the
variable, so a misconfigured production instance never starts half-secured.
"""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SERVICES = ("identity", "orgs", "billing", "audit")
DEFAULT_PORTS = {"gateway": 8000, "identity": 8101, "orgs": 8102, "billing": 8103, "audit": 8104}
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """How large one import may be: a file's size and its number of items.

    The gateway's upload limit, the file parser and orgs' body limit for an import all derive
    from these two numbers, so a file inside them is never refused further along.
    """

    file_bytes: int = 50 * MB
    items: int = 20_000

    # The form's other fields and the multipart framing around the file.
    FORM_ALLOWANCE: ClassVar[int] = 64 * 1024
    # Sealed, a text is an EncString (base64 of IV + padded ciphertext + MAC: 4/3 of it plus ~96
    # bytes), inside JSON: text-heavy files grow by ~1.4, so 2 leaves room; what does not grow
    # with the text (keys, nulls, each field's IV and MAC) is bounded per item. Both are tested
    # against files at the limits (tests/unit/test_transfer_limits.py).
    SEALED_GROWTH: ClassVar[int] = 2
    SEALED_ITEM_ALLOWANCE: ClassVar[int] = 2 * 1024

    @property
    def upload_bytes(self) -> int:
        """The largest request body the gateway reads for an import."""
        return self.file_bytes + self.FORM_ALLOWANCE

    @property
    def sealed_bytes(self) -> int:
        """The largest import body orgs accepts: a file at the limits, every item sealed."""
        return self.SEALED_GROWTH * self.file_bytes + self.SEALED_ITEM_ALLOWANCE * self.items

    @property
    def file_megabytes(self) -> int:
        """The file limit as people read it."""
        return self.file_bytes // MB


class ConfigurationError(RuntimeError):
    """Raised when the environment cannot run this process safely."""


def _secret(env: dict, name: str) -> bytes:
    value = env.get(name, "")
    if len(value) < 32:
        raise ConfigurationError(
            f"{name} must be set to a random secret of at least 32 characters "
            f"(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    return value.encode()


def _count(env: dict, name: str, default: int, highest: int, lowest: int = 0) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ConfigurationError(f"{name} must be a whole number from {lowest} to {highest} (it is {value!r}).")
    return int(value)


def _range_source(env: dict) -> str:
    value = env.get("PWNED_RANGE_SOURCE", "").strip() or "local"
    if value != "local" and not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
        raise ConfigurationError("PWNED_RANGE_SOURCE must be \"local\" or the address of a range API, such as "
                                 f"https://api.pwnedpasswords.com/range/ (it is {value!r}).")
    return value if value == "local" else value.rstrip("/") + "/"


def _send_store(env: dict) -> str:
    value = env.get("SEND_STORE", "").strip() or "local"
    if value not in ("local", "s3"):
        raise ConfigurationError(f"SEND_STORE must be \"local\" or \"s3\" (it is {value!r}).")
    if value == "s3" and not env.get("SEND_S3_BUCKET", "").strip():
        raise ConfigurationError("SEND_S3_BUCKET must name the bucket when SEND_STORE is s3.")
    return value


def _metrics_token(env: dict) -> str:
    value = env.get("METRICS_TOKEN", "")
    if value and len(value) < 32:
        raise ConfigurationError("METRICS_TOKEN must be empty (no metrics on the gateway) or a random secret of at "
                                 "least 32 characters.")
    return value


def _webauthn(env: dict, public_url: str) -> tuple[str, str]:
    """The relying party id and origin of passkeys (ADR 22): the public URL's host and origin.

    Browsers refuse an IP address as relying party id, so a loopback address (`make run`'s
    http://127.0.0.1:8000) becomes `localhost`: passkeys then work at http://localhost:8000.
    WEBAUTHN_RP_ID may name a parent domain of the host instead (keys then work on its other
    subdomains too)."""
    parts = urlsplit(public_url)
    host, origin = (parts.hostname or "").lower(), f"{parts.scheme}://{parts.netloc}".lower()
    try:
        if ipaddress.ip_address(host).is_loopback:
            host = "localhost"
            origin = f"{parts.scheme}://localhost" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        pass  # a domain name, as it should be
    rp_id = env.get("WEBAUTHN_RP_ID", "").strip().lower() or host
    if rp_id != host and not host.endswith("." + rp_id):
        raise ConfigurationError(f"WEBAUTHN_RP_ID must be the host of CUSTODIAN_PUBLIC_URL ({host}) or a parent "
                                 f"domain of it (it is {rp_id!r}).")
    return rp_id, origin


def _service_url(env: dict, name: str) -> str:
    return env.get(f"{name.upper()}_URL", f"http://127.0.0.1:{DEFAULT_PORTS[name]}").rstrip("/")


@dataclass(frozen=True)
class PasswordHashing:
    """The argon2id cost of the slow hash identity keeps of each master password hash.

    The defaults are argon2-cffi's RFC 9106 low-memory profile (t=3, 64 MiB, p=4), what
    identity always used. A stored hash carries its own parameters, so it keeps verifying
    whatever these are; a hash made with other ones is remade at its owner's next log-in.
    The tests set the cheapest parameters in their environment: production costs are not
    what they test.
    """

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    @classmethod
    def from_env(cls, env: dict | None = None) -> "PasswordHashing":
        """ARGON2_TIME_COST, ARGON2_MEMORY_KIB and ARGON2_PARALLELISM, or the defaults."""
        env = os.environ if env is None else env
        hashing = cls(time_cost=_count(env, "ARGON2_TIME_COST", cls.time_cost, 100, lowest=1),
                      memory_kib=_count(env, "ARGON2_MEMORY_KIB", cls.memory_kib, 4 * 1024 * 1024, lowest=8),
                      parallelism=_count(env, "ARGON2_PARALLELISM", cls.parallelism, 64, lowest=1))
        if hashing.memory_kib < 8 * hashing.parallelism:  # argon2's own floor
            raise ConfigurationError("ARGON2_MEMORY_KIB must be at least 8 per degree of ARGON2_PARALLELISM "
                                     f"({8 * hashing.parallelism}).")
        return hashing

    def hasher(self) -> PasswordHasher:
        """An argon2id hasher with these parameters (it verifies hashes made with any)."""
        from argon2 import PasswordHasher  # only identity and orgs (Send passwords) hash: others never load argon2

        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism)


def _pairs(env: dict, name: str, default: str, key: str, highest: int) -> dict[str, int]:
    """`NAME=number,NAME=number` as a dict; ConfigurationError naming the variable otherwise."""
    value = env.get(name, "").strip() or default
    pairs = {}
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        left, _, right = part.partition("=")
        if not re.fullmatch(key, left.strip()) or not right.strip().isdigit() or int(right) > highest:
            raise ConfigurationError(f"{name} must read like {default!r} (it is {value!r}).")
        pairs[left.strip()] = int(right)
    return pairs


@dataclass(frozen=True)
class BillingTerms:
    """What the operator bills providers with (ADR 20): one currency, a monthly price per seat of each
    plan in minor units, tax rates in basis points by country, the seller and how to pay it."""

    currency: str = "USD"
    # Bitwarden's public monthly per-seat prices of its Teams and Enterprise plans (USD 4 and 6).
    plan_prices: dict = field(default_factory=lambda: {"Teams": 400, "Enterprise": 600})
    tax_rates: dict = field(default_factory=lambda: dict(DEFAULT_TAX_RATES))
    seller_country: str = "US"
    seller_name: str = "Custodian"
    seller_address: str = ""
    seller_tax_id: str = ""
    bank_details: str = ""
    invoice_prefix: str = "CUS"

    @classmethod
    def from_env(cls, env: dict | None = None) -> "BillingTerms":
        """BILLING_CURRENCY, PLAN_PRICES, TAX_RATES, BILLING_SELLER_*, BILLING_BANK_DETAILS and
        BILLING_INVOICE_PREFIX, or the defaults."""
        env = os.environ if env is None else env
        currency = env.get("BILLING_CURRENCY", "").strip().upper() or cls.currency
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ConfigurationError(f"BILLING_CURRENCY must be an ISO 4217 code such as USD (it is {currency!r}).")
        prices = _pairs(env, "PLAN_PRICES", "Teams=400,Enterprise=600", r"Teams|Enterprise", 10_000_000)
        if set(prices) != {"Teams", "Enterprise"}:
            raise ConfigurationError("PLAN_PRICES must price both plans, such as 'Teams=400,Enterprise=600'.")
        rates = _pairs(env, "TAX_RATES", ",".join(f"{k}={v}" for k, v in DEFAULT_TAX_RATES.items()),
                       r"[A-Z]{2}", 10_000)
        country = env.get("BILLING_SELLER_COUNTRY", "").strip().upper() or cls.seller_country
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ConfigurationError(f"BILLING_SELLER_COUNTRY must be a two-letter country code (it is {country!r}).")
        prefix = env.get("BILLING_INVOICE_PREFIX", "").strip() or cls.invoice_prefix
        if not re.fullmatch(r"[A-Z0-9]{1,10}", prefix):
            raise ConfigurationError("BILLING_INVOICE_PREFIX must be 1 to 10 capital letters or digits "
                                     f"(it is {prefix!r}).")
        return cls(currency=currency, plan_prices=prices, tax_rates=rates, seller_country=country,
                   seller_name=env.get("BILLING_SELLER_NAME", "").strip() or cls.seller_name,
                   seller_address=env.get("BILLING_SELLER_ADDRESS", "").strip(),
                   seller_tax_id=env.get("BILLING_SELLER_TAX_ID", "").strip(),
                   bank_details=env.get("BILLING_BANK_DETAILS", "").strip(), invoice_prefix=prefix)


# Standard VAT rates of a few EU countries, in basis points (2000 = 20 %); any other country pays none.
DEFAULT_TAX_RATES = {"FR": 2000, "DE": 1900, "NL": 2100, "BE": 2100, "ES": 2100, "IT": 2200, "IE": 2300,
                     "LU": 1700, "AT": 2000, "PT": 2300}


@dataclass(frozen=True)
class Settings:
    """What one process needs to know about its environment."""

    process: str
    database_url: str
    nats_url: str
    internal_secret: bytes = field(repr=False)
    service_urls: dict[str, str]
    var_dir: Path
    log_level: str = "INFO"
    import_limits: ImportLimits = ImportLimits()  # gateway and orgs
    # gateway only
    secret_key: bytes = field(default=b"", repr=False)
    public_url: str = ""
    secure_cookies: bool = True
    session_idle_seconds: int = 1800
    kdf_iterations: int = 600_000
    dev_mailbox: str = ""  # a folder of .eml files the gateway shows at /dev/mailbox; empty = off
    # Where the exposed-passwords report asks about 5-hex SHA-1 prefixes: "local" (the range store
    # built at install) or an https:// range API such as https://api.pwnedpasswords.com/range/.
    pwned_range_source: str = "local"
    # How many proxies in front of the gateway append to X-Forwarded-For; 0 = none, the header is ignored.
    trusted_proxies: int = 0
    # every process: /metrics answers only `Authorization: Bearer <token>`; the gateway, which
    # browsers reach, serves no metrics at all without one.
    metrics_token: str = field(default="", repr=False)
    # identity only
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_sender: str = "Custodian <no-reply@custodian.localhost>"
    service_key: bytes = field(default=b"", repr=False)
    min_kdf_iterations: int = 600_000
    # Passkeys (ADR 22): derived from public_url (a loopback address becomes localhost), WEBAUTHN_RP_ID.
    webauthn_rp_id: str = "localhost"
    webauthn_origin: str = "http://localhost:8000"
    password_hashing: PasswordHashing = PasswordHashing()
    # audit only: how long an organization's events are kept unless its owners chose otherwise
    event_retention_days: int = 365
    # audit (and nats-init): how long the per-provider copy of the events is kept (ADR 26)
    provider_events_days: int = 30
    # gateway only: where its integrator streams read the copy (a CUSTODIAN user of its own in
    # production; NATS_URL by default), and how many streams one process serves at once
    provider_events_nats_url: str = ""
    integration_streams: int = 4
    # gateway only: a stream's keep-alive comment comes, and its credential is checked again, this often (a
    # proxy that cuts connections idle for less than 15 s wants it shorter)
    integration_heartbeat_seconds: int = 15
    # Sends (ADR 19): the largest file, in plaintext bytes (gateway and orgs); where orgs keeps the
    # sealed parts: a local directory (default var/sends) or an S3-compatible bucket, under a prefix.
    send_max_file_bytes: int = 100 * MB
    send_store: str = "local"
    send_store_dir: Path | None = None
    send_s3_bucket: str = ""
    send_s3_prefix: str = ""
    send_s3_endpoint_url: str = ""
    # billing only (ADR 20)
    billing: BillingTerms = BillingTerms()

    @classmethod
    def from_env(cls, process: str, env: dict | None = None, **overrides) -> "Settings":
        """Read the settings of `process` ('gateway' or a service name) from `env`."""
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("CUSTODIAN_VAR", ROOT / "var"))
        default_db = f"sqlite:///{var_dir / (process + '.db')}"
        public_url = env.get("CUSTODIAN_PUBLIC_URL", f"http://127.0.0.1:{DEFAULT_PORTS['gateway']}").rstrip("/")
        rp_id, origin = _webauthn(env, public_url)
        values = dict(
            process=process,
            database_url=env.get(f"{process.upper()}_DATABASE_URL") or env.get("DATABASE_URL") or default_db,
            nats_url=env.get("NATS_URL", "nats://127.0.0.1:4222"),
            internal_secret=_secret(env, "CUSTODIAN_INTERNAL_SECRET"),
            service_urls={name: _service_url(env, name) for name in SERVICES},
            var_dir=var_dir,
            log_level=env.get("LOG_LEVEL", "INFO"),
            public_url=public_url,
            webauthn_rp_id=rp_id,
            webauthn_origin=origin,
            smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
            smtp_port=int(env.get("SMTP_PORT", "8025")),
            mail_sender=env.get("MAIL_SENDER", "Custodian <no-reply@custodian.localhost>"),
            min_kdf_iterations=int(env.get("KDF_MIN_ITERATIONS", "600000")),
            password_hashing=PasswordHashing.from_env(env),
            kdf_iterations=int(env.get("KDF_ITERATIONS", "600000")),
            session_idle_seconds=int(env.get("SESSION_IDLE_SECONDS", "1800")),
            secure_cookies=env.get("SECURE_COOKIES", "true").lower() not in ("0", "false", "no"),
            dev_mailbox=env.get("DEV_MAILBOX_DIR", ""),
            pwned_range_source=_range_source(env),
            trusted_proxies=_count(env, "TRUSTED_PROXIES", 0, 5),
            metrics_token=_metrics_token(env),
            event_retention_days=_count(env, "EVENT_RETENTION_DAYS", 365, 3650, lowest=30),
            provider_events_days=_count(env, "PROVIDER_EVENTS_DAYS", 30, 30, lowest=1),
            provider_events_nats_url=env.get("PROVIDER_EVENTS_NATS_URL", "").strip()
            or env.get("NATS_URL", "nats://127.0.0.1:4222"),
            # A stream holds a gunicorn thread: at most half of them (WEB_THREADS), so pages still answer.
            integration_streams=_count(env, "INTEGRATION_STREAMS",
                                       max(1, _count(env, "WEB_THREADS", 4, 1000, lowest=1) // 2), 1000, lowest=1),
            integration_heartbeat_seconds=_count(env, "INTEGRATION_HEARTBEAT_SECONDS", 15, 60, lowest=3),
            send_max_file_bytes=_count(env, "SEND_MAX_FILE_BYTES", 100 * MB, 1024 * 1024 * MB),
            send_store=_send_store(env),
            send_store_dir=Path(env.get("SEND_STORE_DIR", "").strip() or var_dir / "sends"),
            send_s3_bucket=env.get("SEND_S3_BUCKET", "").strip(),
            send_s3_prefix=env.get("SEND_S3_PREFIX", "").strip().strip("/"),
            send_s3_endpoint_url=env.get("SEND_S3_ENDPOINT_URL", "").strip(),
            billing=BillingTerms.from_env(env) if process == "billing" else BillingTerms(),
            import_limits=ImportLimits(file_bytes=int(env.get("IMPORT_MAX_MB", "50")) * MB,
                                       items=int(env.get("IMPORT_MAX_ITEMS", "20000"))),
        )
        if process == "gateway":
            values["secret_key"] = _secret(env, "GATEWAY_SECRET_KEY")
        if process == "identity":
            values["service_key"] = _secret(env, "IDENTITY_SERVICE_KEY")
        values.update(overrides)
        return cls(**values)
