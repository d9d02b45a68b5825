"""Deployment checks: what ``bazaar config check [--production]`` verifies, item by item.

The same checks run when a server or worker starts: an ``error`` refuses to start with one
line per problem, a ``warning`` is logged loudly (and shown by ``/ready``), and a ``manual``
item is a reminder nobody can verify from inside the process (backups, TLS at the proxy).
Plugins add their own through ``Plugin(checks=...)``.
"""

from __future__ import annotations

import logging
from typing import Any

from bazaar.core.kernel.config import Settings
from bazaar.sdk.errors import ConfigError
from bazaar.sdk.plugin import Finding

log = logging.getLogger("bazaar.checks")

KEY_HINT = (
    "make one with: python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\" "
    "and set BAZAAR_SECURITY__ENCRYPTION_KEYS='{k1 = \"<key>\"}' (and security.active_key_id = \"k1\")"
)


def core_findings(settings: Settings, production: bool) -> list[Finding]:
    """The kernel's own checks (keys, database, URLs, CORS, workers, logs)."""
    found: list[Finding] = []
    sec = settings.security
    if not sec.encryption_keys:
        found.append(Finding(level="error", key="security.encryption_keys",
                             message=f"no encryption key: personal data (phones, addresses) cannot be stored; {KEY_HINT}"))
    if not production:
        return found
    url = settings.database.url
    if url.startswith("sqlite"):
        found.append(Finding(level="error", key="database.url",
                             message="SQLite is the embedded default; production runs on PostgreSQL"))
    public = settings.server.public_url
    if not public or not public.startswith("https://"):
        found.append(Finding(level="error", key="server.public_url",
                             message="set the https:// URL the service is reached at (TLS terminates at your proxy)"))
    if "*" in settings.server.cors_origins:
        found.append(Finding(level="error", key="server.cors_origins",
                             message="'*' lets any site call the API with a user's token; list your storefront origins"))
    if settings.server.embedded_worker:
        found.append(Finding(level="warning", key="server.embedded_worker",
                             message="run `bazaar worker` processes apart and set embedded_worker = false"))
    if settings.server.workers < 2:
        found.append(Finding(level="warning", key="server.workers", message="one server process: no overlap on restart"))
    if not settings.log.json:
        found.append(Finding(level="warning", key="log.json", message="JSON logs are what log collectors parse"))
    if settings.files.s3 is None:
        found.append(Finding(level="warning", key="files",
                             message="stored files (KYB documents, evidence) in a local directory: every server and "
                                     "worker must share it; [files.s3] is the production store"))
    if settings.log.level == "DEBUG":
        found.append(Finding(level="warning", key="log.level", message="DEBUG logs may include request details"))
    for hook in settings.webhooks:
        if not hook.url.startswith("https://"):
            found.append(Finding(level="error", key=f"webhooks.{hook.name}.url", message="webhooks go over https only"))
        if len(hook.secret.encode()) < 32:
            found.append(Finding(level="error", key=f"webhooks.{hook.name}.secret", message="at least 32 bytes"))
    found.append(Finding(level="manual", key="backups",
                         message="PostgreSQL backups with point-in-time recovery, restored once as a drill"))
    found.append(Finding(level="manual", key="tls", message="TLS terminates at the proxy; HSTS set there"))
    return found


def all_findings(settings: Settings, plugins: dict[str, Any], production: bool) -> list[Finding]:
    """Core findings plus each enabled plugin's (``plugins``: id -> (Plugin, config))."""
    found = core_findings(settings, production)
    for pid, (plugin, config) in sorted(plugins.items()):
        if plugin.checks is not None:
            found += [Finding(level=f.level, key=f"plugins.{pid}.{f.key}" if not f.key.startswith("plugins.") else f.key,
                              message=f.message) for f in plugin.checks(config, production)]
    return found


def enforce(findings: list[Finding]) -> None:
    """Refuse to start on errors (one line each); log warnings loudly."""
    errors = [f"{f.key}: {f.message}" for f in findings if f.level == "error"]
    if errors:
        raise ConfigError(errors)
    for f in findings:
        if f.level == "warning":
            log.warning("CONFIG WARNING %s: %s", f.key, f.message)
