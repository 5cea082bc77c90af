"""The registry `stoflow worker` loads by default (`--setup stoflow.handlers.registry:default_registry`).

It takes no arguments, because the worker loads it by name: everything comes from the settings
(environment or `.env`), as in the worker itself.
"""

from __future__ import annotations

from stoflow.config import get_settings
from stoflow.handlers.base import HandlerRegistry
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.registry_factory import integrations_registry
from stoflow.marketplaces.images import HttpImageFetcher
from stoflow.store.database import Database
from stoflow.store.secrets import SecretBox

# Steps open short transactions of their own (listing records, token refresh) beside the
# orchestrator's task commits, which use the worker's own Database; a small pool is enough here.
STEP_POOL_SIZE = 4


def default_registry() -> HandlerRegistry:
    """eBay and Etsy handlers wired to the configured database, secret key and marketplace hosts."""
    settings = get_settings()
    deps = IntegrationDeps(
        db=Database(settings.database_url, pool_size=STEP_POOL_SIZE),
        box=SecretBox.from_settings(settings),
        settings=settings,
        images=HttpImageFetcher(timeout_s=settings.marketplace_timeout_s),
    )
    return integrations_registry(deps)
