"""Encrypt personal data at rest (Fernet, AES-128-CBC + HMAC) with a key id stored per value.

Stored form: ``enc:<key id>:<token>``. The active key encrypts; every configured key
decrypts, so keys rotate by adding a new active key and re-encrypting at leisure.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from bazaar.core.kernel.config import SecurityConfig
from bazaar.sdk.errors import ConfigError

PREFIX = "enc:"


class FieldCipher:
    """Encrypts and decrypts single values with the configured keys."""

    def __init__(self, config: SecurityConfig) -> None:
        self._keys: dict[str, Fernet] = {}
        problems = []
        for kid, key in config.encryption_keys.items():
            try:
                self._keys[kid] = Fernet(key)
            except (ValueError, TypeError):
                problems.append(f"security.encryption_keys.{kid}: not a urlsafe base64 32-byte key")
        if problems:
            raise ConfigError(problems)
        self.active = config.active_key_id or (sorted(self._keys)[-1] if self._keys else None)
        if self.active is not None and self.active not in self._keys:
            raise ConfigError([f"security.active_key_id: {self.active!r} is not in security.encryption_keys"])

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        if self.active is None:
            raise ConfigError(["security.encryption_keys: no key configured; personal data cannot be stored"])
        token = self._keys[self.active].encrypt(value.encode()).decode()
        return f"{PREFIX}{self.active}:{token}"

    def decrypt(self, stored: str | None) -> str | None:
        if stored is None:
            return None
        if not stored.startswith(PREFIX):
            raise ValueError("value is not encrypted")
        kid, _, token = stored[len(PREFIX) :].partition(":")
        try:
            return self._keys[kid].decrypt(token.encode()).decode()
        except KeyError:
            raise ConfigError([f"security.encryption_keys: key {kid!r} is needed to read stored data"]) from None
        except InvalidToken:
            raise ValueError("stored value does not decrypt with its key") from None

    def key_id(self, stored: str) -> str:
        return stored[len(PREFIX) :].partition(":")[0]


def derive_key(secret: str) -> str:
    """A Fernet key derived from a passphrase (demo and tests only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()
