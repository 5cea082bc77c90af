"""Photos uploaded by sellers: stored as files under unguessable names, served at /media/...

Marketplaces fetch a listing's photos by URL, so the URL of an uploaded photo is a capability: a
random 128-bit name under the tenant's folder, readable without an API key (as on any image host).
Only JPEG, PNG and WebP are accepted, recognised by their first bytes, never by the client's word.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from stoflow.store.tenancy import validate_tenant_name

MAX_BYTES = 10 * 1024 * 1024
_SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))


class UnsupportedImage(ValueError):
    """The file is not a JPEG, PNG or WebP image, or is larger than 10 MB."""


def image_extension(head: bytes) -> str:
    for signature, extension in _SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    raise UnsupportedImage("only JPEG, PNG and WebP images are accepted")


def store_image(root: Path, tenant: str, content: bytes) -> str:
    """Write the image; returns its path relative to the media root (`<tenant>/<name>.<ext>`)."""
    if len(content) > MAX_BYTES:
        raise UnsupportedImage("images are limited to 10 MB")
    extension = image_extension(content[:16])
    folder = root / validate_tenant_name(tenant)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    (folder / name).write_bytes(content)
    return f"{tenant}/{name}"
