"""Configuration: ``bazaar.toml`` plus ``BAZAAR_*`` environment overrides, decoded with msgspec.

Unknown keys, wrong types and out-of-range values are refused at start with the key, the
bad value and what is allowed (:class:`~bazaar.sdk.errors.ConfigError`).
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.errors import ConfigError

Port = Annotated[int, Meta(ge=1, le=65535)]
Positive = Annotated[int, Meta(ge=1)]
NonNegative = Annotated[int, Meta(ge=0)]
Seconds = Annotated[float, Meta(gt=0, le=86_400)]


class _Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class DatabaseConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: str = "sqlite:///bazaar.sqlite3"
    pool_min: Annotated[int, Meta(ge=1, le=100)] = 2
    pool_max: Annotated[int, Meta(ge=1, le=200)] = 16
    sqlite_timeout_seconds: Seconds = 30.0


class ServerConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: Port = 8000
    workers: Annotated[int, Meta(ge=1, le=64)] = 1
    embedded_worker: bool = True
    public_url: str | None = None
    #: origins allowed to call the API from a browser (CORS); empty: no cross-origin access
    cors_origins: list[str] = []


class WorkerConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    batch_size: Annotated[int, Meta(ge=1, le=10_000)] = 100
    poll_seconds: Seconds = 1.0
    #: how long a claimed timer stays with its worker unless renewed (renewed every third of it while
    #: the handler runs); a killed worker's timers are taken by another after at most this long
    lease_seconds: Seconds = 30.0
    max_attempts: Annotated[int, Meta(ge=1, le=100)] = 10
    backoff_base_seconds: Seconds = 5.0
    backoff_max_seconds: Seconds = 3600.0


class WebhookEndpoint(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    url: Annotated[str, Meta(pattern=r"^https?://")]
    secret: Annotated[str, Meta(min_length=16)]
    events: list[str] = msgspec.field(default_factory=lambda: ["*"])
    timeout_seconds: Seconds = 10.0


class SecurityConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token_ttl_seconds: Annotated[int, Meta(ge=60, le=30 * 86_400)] = 86_400
    #: key id -> base64 urlsafe 32-byte key (Fernet). The active key encrypts; all decrypt.
    encryption_keys: dict[str, str] = {}
    active_key_id: str | None = None
    login_max_failures: Annotated[int, Meta(ge=1, le=1000)] = 5
    login_window_seconds: Annotated[int, Meta(ge=1, le=86_400)] = 900
    password_min_length: Annotated[int, Meta(ge=8, le=128)] = 10
    #: zxcvbn score a new password must reach (0 weakest .. 4 strongest)
    password_min_score: Annotated[int, Meta(ge=0, le=4)] = 3
    #: password hashes (argon2, ~64 MiB each) computed at once per process; others queue
    password_hash_concurrency: Annotated[int, Meta(ge=1, le=64)] = 2
    argon2_time_cost: Annotated[int, Meta(ge=1, le=20)] = 3
    argon2_memory_kib: Annotated[int, Meta(ge=64, le=1_048_576)] = 65_536


class CalendarConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    timezone: str = "Asia/Shanghai"
    holidays: list[date] = []
    workdays: list[date] = []


class CheckoutConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")] = "CNY"
    flat_shipping_minor: NonNegative = 1000
    free_shipping_over_minor: NonNegative | None = 9900
    max_quantity_per_line: Annotated[int, Meta(ge=1, le=100_000)] = 999
    max_lines: Annotated[int, Meta(ge=1, le=500)] = 100
    unpaid_timeout_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] = 30
    show_stock_counts: bool = False
    low_stock_threshold: NonNegative = 5


class LogConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json: bool = True


class S3Config(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[files.s3]``: S3-compatible storage. Credentials never go here: boto3 reads them from
    the environment (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``), a profile or the
    instance role."""

    bucket: Annotated[str, Meta(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+[a-z0-9]$")]
    endpoint_url: Annotated[str, Meta(pattern=r"^https?://")] | None = None
    region: str | None = None
    #: key prefix inside the bucket (``bazaar/``), so one bucket can serve several deployments
    prefix: Annotated[str, Meta(max_length=200, pattern=r"^([A-Za-z0-9._-]+/)*$")] = ""
    addressing_style: Literal["auto", "virtual", "path"] = "auto"
    connect_timeout_seconds: Seconds = 5.0
    read_timeout_seconds: Seconds = 30.0
    max_attempts: Annotated[int, Meta(ge=1, le=20)] = 5


class FilesConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[files]``: where the shared file store keeps bytes.

    ``s3`` set: S3-compatible storage. Otherwise a local directory: ``dir``, or beside the
    SQLite file (``<db file>.files``); PostgreSQL needs one or the other.
    """

    dir: Annotated[str, Meta(min_length=1)] | None = None
    s3: S3Config | None = None


class PluginsConfig(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    enabled: list[str] = []
    #: raw ``[plugins.<id>]`` tables, decoded by each plugin's own Struct at start
    settings: dict[str, dict[str, Any]] = {}


class Settings(_Section, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The whole configuration in force."""

    database: DatabaseConfig = DatabaseConfig()
    server: ServerConfig = ServerConfig()
    worker: WorkerConfig = WorkerConfig()
    webhooks: list[WebhookEndpoint] = []
    security: SecurityConfig = SecurityConfig()
    calendar: CalendarConfig = CalendarConfig()
    checkout: CheckoutConfig = CheckoutConfig()
    log: LogConfig = LogConfig()
    files: FilesConfig = FilesConfig()
    plugins: PluginsConfig = PluginsConfig()


ENV_PREFIX = "BAZAAR_"
#: ``BAZAAR_*`` variables that are not settings (the config path, CLI inputs, the test kit's)
NOT_SETTINGS = {"config", "operator_password"}
_SECTIONS = {f for f in Settings.__struct_fields__}
#: keys whose values are masked (numbers and booleans never are: ``password_min_length``)
_SECRET = re.compile(r"(secret|password|passphrase|token|api_key|private_key|encryption_key|credential)", re.I)


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _env_overrides(environ: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """``BAZAAR_SECTION_KEY=value`` (or ``BAZAAR_SECTION__KEY``) -> nested dict."""
    out: dict[str, Any] = {}
    problems: list[str] = []
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        if rest in NOT_SETTINGS or rest.startswith(("test_", "require_")):
            continue
        parts = rest.split("__") if "__" in rest else rest.split("_", 1)
        if parts[0] not in _SECTIONS or len(parts) < 2:
            problems.append(f"{name}: unknown setting (sections: {', '.join(sorted(_SECTIONS))})")
            continue
        value = _parse_env_value(raw)
        if parts[0] == "plugins" and parts[1] == "enabled" and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out, problems


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _lookup(data: Any, path: str) -> Any:
    node = data
    for part in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", path):
        key, index = part
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _type_at(type_: Any, path: str) -> Any:
    """The ``msgspec.inspect`` type found at ``path`` (``.a[0].b``) inside ``type_``, or None."""
    node: Any = msgspec.inspect.type_info(type_)
    for key, index in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", path):
        node = _unwrap(node)
        if isinstance(node, msgspec.inspect.StructType) and key:
            node = next((f.type for f in node.fields if f.encode_name == key), None)
        elif isinstance(node, msgspec.inspect.DictType) and key:
            node = node.value_type
        elif isinstance(node, msgspec.inspect.ListType | msgspec.inspect.TupleType | msgspec.inspect.SetType) and index:
            node = node.item_type if not isinstance(node, msgspec.inspect.TupleType) else None
        else:
            return None
        if node is None:
            return None
    return _unwrap(node)


def _unwrap(node: Any) -> Any:
    while isinstance(node, msgspec.inspect.Metadata):
        node = node.type
    if isinstance(node, msgspec.inspect.UnionType):
        real = [t for t in node.types if not isinstance(t, msgspec.inspect.NoneType)]
        if len(real) == 1:
            return _unwrap(real[0])
    return node


def _allowed(type_: Any, path: str) -> str | None:
    """What a value at ``path`` may be, when the type says more than msgspec's message."""
    node = _type_at(type_, path) if type_ is not None else None
    if isinstance(node, msgspec.inspect.LiteralType):
        return ", ".join(repr(v) for v in node.values)
    if isinstance(node, msgspec.inspect.EnumType):
        return ", ".join(repr(m.value) for m in node.cls)
    return None


def explain(error: msgspec.ValidationError, data: Any, root: str = "", type_: Any = None) -> str:
    """Turn a msgspec error into ``key: value given; what is allowed``.

    ``type_`` (the Struct decoded into) lets the message list allowed keys and choices.
    """
    message = str(error)
    match = re.search(r" - at `\$(.*)`$", message)
    path = match.group(1) if match else ""
    reason = message[: match.start()] if match else message
    key = (root + path.replace("[", ".").replace("]", "")).strip(".").replace("..", ".")
    value = _lookup(data, path) if path else None
    if reason.startswith("Object contains unknown field"):
        field = re.search(r"`(.+?)`", reason)
        unknown = field.group(1) if field else "?"
        node = _type_at(type_, path) if type_ is not None else None
        known = (
            f" (allowed: {', '.join(f.encode_name for f in node.fields)})"
            if isinstance(node, msgspec.inspect.StructType)
            else ""
        )
        return f"{key + '.' if key else ''}{unknown}: unknown key{known}"
    shown = "" if value is None else f" (got {value!r})"
    allowed = _allowed(type_, path) if path else None
    return f"{key or '<root>'}: {reason}{shown}" + (f"; allowed: {allowed}" if allowed else "")


def split_plugin_tables(raw_plugins: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Separate ``enabled`` from the per-plugin tables (``[plugins.payments.escrow]`` nests)."""
    enabled = raw_plugins.get("enabled", [])
    tables = {k: v for k, v in raw_plugins.items() if k not in ("enabled", "settings")}
    return enabled, flatten_tables(tables)


def flatten_tables(tables: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """``{"payments": {"escrow": {...}}}`` -> ``{"payments": {...}, "payments.escrow": {...}}``.

    Every dotted path that holds a table is listed; the plugin manager picks the ones
    that name installed plugins and refuses what is left.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, value in tables.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out[path] = value
            out.update(flatten_tables(value, prefix=path + "."))
    return out


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Read the TOML file (if any), apply ``BAZAAR_*`` and explicit overrides, validate."""
    auto_file = environ is None
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    problems: list[str] = []
    config_path = path or environ.get("BAZAAR_CONFIG")
    if config_path is None and auto_file and Path("bazaar.toml").exists():
        config_path = "bazaar.toml"
    if config_path:
        try:
            data = tomllib.loads(Path(config_path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"config file not found: {config_path}"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{config_path}: not valid TOML: {exc}"]) from None
    env, env_problems = _env_overrides(environ)
    problems += env_problems
    data = _merge(data, env)
    if overrides:
        data = _merge(data, overrides)
    raw_plugins = data.pop("plugins", {}) or {}
    if not isinstance(raw_plugins, dict):
        problems.append(f"plugins: expected a table (got {raw_plugins!r})")
        raw_plugins = {}
    enabled, tables = split_plugin_tables(raw_plugins)
    data["plugins"] = {"enabled": enabled, "settings": tables}
    if problems:
        raise ConfigError(problems)
    try:
        return msgspec.convert(data, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError([explain(exc, data, type_=Settings)]) from None


def _is_secret(key: str, value: Any) -> bool:
    return bool(_SECRET.search(key)) and bool(value) and not isinstance(value, int | float | bool)


def mask(value: Any, key: str = "") -> Any:
    """The config as a plain dict with secrets replaced by ``***``."""
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, dict):
        return {k: ("***" if _is_secret(k, v) else mask(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key) for v in value]
    if isinstance(value, str) and "://" in value and "@" in value:
        return re.sub(r"//([^:/@]+):([^@]+)@", r"//\1:***@", value)
    return value
