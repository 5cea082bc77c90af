"""The handler registry of the real integrations, keyed by (marketplace, action)."""

from __future__ import annotations

from stoflow.handlers.base import BaseJobHandler, HandlerRegistry
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.ebay.manage import EbayDeleteHandler, EbayUnpublishHandler, EbayUpdateHandler
from stoflow.handlers.ebay.publish import EbayPublishHandler
from stoflow.handlers.ebay.sync import EbaySyncHandler
from stoflow.handlers.etsy.manage import EtsyDeleteHandler, EtsyUpdateHandler
from stoflow.handlers.etsy.orders import EtsyOrdersSyncHandler
from stoflow.handlers.etsy.publish import EtsyPublishHandler
from stoflow.handlers.etsy.sync import EtsySyncHandler


def direct_api_handlers(deps: IntegrationDeps) -> list[BaseJobHandler]:
    """eBay and Etsy handlers (the marketplaces with a REST API)."""
    return [
        EbayPublishHandler(deps),
        EbayUpdateHandler(deps),
        EbayDeleteHandler(deps),
        EbayUnpublishHandler(deps),
        EbaySyncHandler(deps),
        EtsyPublishHandler(deps),
        EtsyUpdateHandler(deps),
        EtsyDeleteHandler(deps),
        EtsySyncHandler(deps),
        EtsyOrdersSyncHandler(deps),
    ]


def integrations_registry(deps: IntegrationDeps) -> HandlerRegistry:
    return HandlerRegistry(direct_api_handlers(deps))
