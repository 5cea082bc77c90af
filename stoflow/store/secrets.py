"""Marketplace credentials encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Several keys may be configured, newest first and comma-separated, so keys can be rotated: the first
encrypts, all decrypt.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from stoflow.config import Settings


class SecretBoxError(RuntimeError):
    """Credentials could not be decrypted with any configured key."""


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("secret_key: at least one Fernet key is required")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key is not None:
            return cls([k.strip() for k in settings.secret_key.get_secret_value().split(",") if k.strip()])
        return cls([_key_from_file(settings.key_file)])

    def seal(self, payload: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(payload, sort_keys=True).encode())

    def open(self, token: bytes) -> dict[str, Any]:
        try:
            value: dict[str, Any] = json.loads(self._fernet.decrypt(token))
        except InvalidToken as exc:
            raise SecretBoxError("credentials cannot be decrypted: wrong or rotated-out key") from exc
        return value


def _key_from_file(path: Path) -> str:
    """Read the local key, creating it (owner-only) on first use of a single-machine install."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(SecretBox.generate_key())
    return path.read_text().strip()
