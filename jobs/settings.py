"""Settings: the only module that reads the environment (DESIGN section 6).

`Settings.from_env()` is called once at a composition root and the value is passed down.
"""

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from data.storage import S3Settings

BACKENDS: Final = ("auto", "duckdb", "polars", "verify")
LOG_FORMATS: Final = ("text", "json")
MIB: Final = 1 << 20
DEFAULT_PAGE_CACHE_MB: Final = 1024  # the API's default result-page budget (1 GiB)
DEFAULT_SNAPSHOT_CACHE_MB: Final = 256  # blocks of snapshots on object storage, per process


class SettingsError(ValueError):
    """A setting has a value the engine cannot use; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    """`1` or `true` (any case) turns a switch on; unset or empty leaves it off."""
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise SettingsError(f"{name} must be 1 or 0 (true or false), got {raw!r}")


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    """A whole number of at least 1, None when unset."""
    return _int(env, name, 0) or None


def _public_url(env: Mapping[str, str], name: str) -> str | None:
    """An absolute http(s) URL with a host and nothing after the path; no trailing slash."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http:// or https:// URL with a host, got {raw!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(f"{name} must not have credentials, a query or a fragment: {raw!r}")
    return raw.rstrip("/")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks (`10.0.0.0/8`, `::1`), each as a network."""
    items = [item.strip() for item in (env.get(name) or "").split(",") if item.strip()]
    try:
        return tuple(str(ipaddress.ip_network(item, strict=False)) for item in items)
    except ValueError as exc:
        raise SettingsError(f"{name} must list IP addresses or networks: {exc}") from None


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    broker_url: str  # "memory://" = in-process
    dataset: str  # INTENT_DATASET: a directory or s3://bucket/prefix
    snapshots: str  # INTENT_SNAPSHOTS: a directory or s3://bucket/prefix
    signing_secret: str | None = None  # INTENT_SIGNING_SECRET; None: see signing_key()
    backend: str = "auto"
    lease_seconds: int = 30
    max_attempts: int = 3
    retry_base_seconds: int = 5  # a retryable failure waits about this, doubling per attempt
    retry_max_seconds: int = 300  # ... up to this
    tick_seconds: int = 5
    run_time_limit_seconds: int = 600
    worker_threads: int = 2
    audience_slots: int = 10
    rate_limit_per_minute: int = 600
    refused_keys_per_minute: int = 30  # requests with a refused key, per client address
    body_timeout_seconds: int = 10  # a request body must arrive within this time
    header_timeout_seconds: int = 10  # a request's headers must arrive within this time
    daily_catchup_days: int = 3
    export_url_ttl_seconds: int = 3600
    duckdb_memory_limit: str = "4GB"
    polars_threads: int | None = None  # per run child; None: the cores shared by worker threads
    duckdb_threads: int | None = None  # per run; None: the cores shared by worker threads
    allow_private_urls: bool = False
    queue_name: str = "intent-runs"  # the broker queue of run messages; one per deployment
    page_cache_mb: int = DEFAULT_PAGE_CACHE_MB  # encoded result rows the API keeps in memory
    snapshot_cache_mb: int = DEFAULT_SNAPSHOT_CACHE_MB  # INTENT_SNAPSHOT_CACHE_MB: S3 reads
    topics_rate_limit_per_minute: int = 300  # topic discovery, per client address
    movers_min_audience: int = 10  # movers leave out topics with a smaller audience the day before
    analyze_allow_private: bool = False  # let topic analyze fetch private/loopback addresses
    public_url: str | None = None  # the origin of every link the API builds, e.g. download URLs
    trusted_proxies: tuple[str, ...] = ()  # networks whose forwarding headers are believed
    log_format: str = "text"  # INTENT_LOG_FORMAT: text | json (one object per line)
    metrics_token: str | None = None  # INTENT_METRICS_TOKEN: /metrics wants it as a bearer token
    metrics_dir: Path | None = None  # PROMETHEUS_MULTIPROC_DIR: shared by `serve --workers N`
    webhook_max_attempts: int = 6
    webhook_retry_seconds: int = 30  # the first retry's delay; each next one is three times longer
    webhook_timeout_seconds: int = 10
    webhook_disable_after: int = 5  # consecutive failed deliveries before an endpoint is disabled
    webhooks_allow_private: bool = False
    s3: S3Settings = field(default_factory=S3Settings)  # AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...

    @property
    def page_cache_bytes(self) -> int:
        return self.page_cache_mb * MIB

    @property
    def snapshot_cache_bytes(self) -> int:
        return self.snapshot_cache_mb * MIB

    @property
    def embedded(self) -> bool:
        """True when no external broker is configured: workers run inside the API process."""
        return self.broker_url.startswith("memory://")

    def signing_key(self) -> str:
        """The secret that signs download links: INTENT_SIGNING_SECRET, else one generated on
        first use and kept under INTENT_HOME (so commands that sign nothing write nothing)."""
        return self.signing_secret or _kept_secret(self.home)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path(env.get("INTENT_HOME") or "./var").absolute()
        backend = env.get("INTENT_BACKEND") or "auto"
        if backend not in BACKENDS:
            raise SettingsError(
                f"INTENT_BACKEND must be one of {', '.join(BACKENDS)}, got {backend!r}"
            )
        log_format = env.get("INTENT_LOG_FORMAT") or "text"
        if log_format not in LOG_FORMATS:
            raise SettingsError(
                f"INTENT_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}"
            )
        metrics_dir = env.get("PROMETHEUS_MULTIPROC_DIR")
        return cls(
            home=home,
            database_url=env.get("INTENT_DATABASE_URL") or f"sqlite:///{home / 'intent.db'}",
            broker_url=env.get("INTENT_BROKER_URL") or "memory://",
            dataset=env.get("INTENT_DATASET") or str(home / "dataset"),
            snapshots=env.get("INTENT_SNAPSHOTS") or str(home / "snapshots"),
            signing_secret=env.get("INTENT_SIGNING_SECRET") or None,
            backend=backend,
            lease_seconds=_int(env, "INTENT_LEASE_SECONDS", 30),
            max_attempts=_int(env, "INTENT_MAX_ATTEMPTS", 3),
            retry_base_seconds=_int(env, "INTENT_RETRY_BASE_SECONDS", 5, minimum=0),
            retry_max_seconds=_int(env, "INTENT_RETRY_MAX_SECONDS", 300, minimum=0),
            tick_seconds=_int(env, "INTENT_TICK_SECONDS", 5),
            run_time_limit_seconds=_int(env, "INTENT_RUN_TIME_LIMIT_SECONDS", 600),
            worker_threads=_int(env, "INTENT_WORKER_THREADS", 2),
            audience_slots=_int(env, "INTENT_AUDIENCE_SLOTS", 10),
            rate_limit_per_minute=_int(env, "INTENT_RATE_LIMIT_PER_MINUTE", 600),
            refused_keys_per_minute=_int(env, "INTENT_REFUSED_KEYS_PER_MINUTE", 30),
            body_timeout_seconds=_int(env, "INTENT_BODY_TIMEOUT_SECONDS", 10),
            header_timeout_seconds=_int(env, "INTENT_HEADER_TIMEOUT_SECONDS", 10),
            daily_catchup_days=_int(env, "INTENT_DAILY_CATCHUP_DAYS", 3),
            export_url_ttl_seconds=_int(env, "INTENT_EXPORT_URL_TTL_SECONDS", 3600),
            duckdb_memory_limit=env.get("INTENT_DUCKDB_MEMORY_LIMIT") or "4GB",
            polars_threads=_optional_int(env, "INTENT_POLARS_THREADS"),
            duckdb_threads=_optional_int(env, "INTENT_DUCKDB_THREADS"),
            allow_private_urls=(env.get("INTENT_ALLOW_PRIVATE_URLS") or "") in ("1", "true"),
            queue_name=env.get("INTENT_QUEUE_NAME") or "intent-runs",
            page_cache_mb=_int(env, "INTENT_PAGE_CACHE_MB", DEFAULT_PAGE_CACHE_MB, minimum=0),
            snapshot_cache_mb=_int(
                env, "INTENT_SNAPSHOT_CACHE_MB", DEFAULT_SNAPSHOT_CACHE_MB, minimum=0
            ),
            topics_rate_limit_per_minute=_int(env, "INTENT_TOPICS_RATE_LIMIT_PER_MINUTE", 300),
            movers_min_audience=_int(env, "INTENT_MOVERS_MIN_AUDIENCE", 10, minimum=0),
            analyze_allow_private=_flag(env, "INTENT_ANALYZE_ALLOW_PRIVATE"),
            public_url=_public_url(env, "INTENT_PUBLIC_URL"),
            trusted_proxies=_networks(env, "INTENT_TRUSTED_PROXIES"),
            log_format=log_format,
            metrics_token=env.get("INTENT_METRICS_TOKEN") or None,
            metrics_dir=Path(metrics_dir) if metrics_dir else None,
            webhook_max_attempts=_int(env, "INTENT_WEBHOOK_MAX_ATTEMPTS", 6),
            webhook_retry_seconds=_int(env, "INTENT_WEBHOOK_RETRY_SECONDS", 30),
            webhook_timeout_seconds=_int(env, "INTENT_WEBHOOK_TIMEOUT_SECONDS", 10),
            webhook_disable_after=_int(env, "INTENT_WEBHOOK_DISABLE_AFTER", 5),
            webhooks_allow_private=_flag(env, "INTENT_WEBHOOKS_ALLOW_PRIVATE"),
            s3=_s3(env),
        )


def _s3(env: Mapping[str, str]) -> S3Settings:
    """The standard AWS variables, so AWS, MinIO, R2 or B2 are configured the same way."""
    endpoint = _public_url(env, "AWS_ENDPOINT_URL")
    return S3Settings(
        endpoint_url=endpoint,
        access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
        session_token=env.get("AWS_SESSION_TOKEN") or None,
    )


def _kept_secret(home: Path) -> str:
    """The signing secret generated on first use and kept under INTENT_HOME."""
    path = home / "signing.secret"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value)
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # first writer wins when two processes start together
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
