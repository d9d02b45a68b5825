"""HMAC-SHA256 signatures of sandbox notifications: ``t=<unix>,v1=<hex of t + "." + body>``."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "sandbox-signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def check(secret: str, header: str, body: bytes, now: int, tolerance: int) -> str | None:
    """``None`` when the signature is right and fresh, else ``bad_signature`` or ``stale``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return "bad_signature"
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        return "bad_signature"
    if abs(now - timestamp) > tolerance:
        return "stale"
    return None
