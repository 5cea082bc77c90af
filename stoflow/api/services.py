"""What the API needs at run time, built once per process and kept on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stoflow.api.oauth.apps import OAuthApps
from stoflow.config import Settings, get_settings
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.secrets import SecretBox


@dataclass(frozen=True, slots=True)
class ApiServices:
    db: Database
    orchestrator: TaskOrchestrator
    # Seconds between two reads of a batch by its server-sent events stream.
    sse_poll_s: float = 0.25
    settings: Settings = field(default_factory=get_settings)
    # Seals marketplace credentials; None disables connecting accounts through this process.
    box: SecretBox | None = None
    oauth_apps: OAuthApps = field(default_factory=OAuthApps)
    # Uploaded photos are written here and served at /media/...
    media_dir: Path = Path("var/media")
    # The absolute base URL marketplaces reach this server at (for photo URLs); None: the request's.
    public_url: str | None = None
