"""What every eBay handler shares: opening the service, and the steps common to several actions."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Engine

from stoflow.domain.enums import Marketplace
from stoflow.domain.steps import StepContext
from stoflow.handlers.common import skipped_image, uploaded_images
from stoflow.handlers.direct_api import DirectAPIJobHandler, public_image, require_product
from stoflow.marketplaces.auth.accounts import Account
from stoflow.marketplaces.auth.tokens import AccountTokens
from stoflow.marketplaces.ebay.client import EbayClient, EbayTokenEndpoint
from stoflow.marketplaces.ebay.service import EbayPublicationService, EbaySellerSetup
from stoflow.marketplaces.listings import find_listing


class EbayHandler(DirectAPIJobHandler[EbayPublicationService]):
    marketplace: ClassVar[Marketplace] = Marketplace.EBAY

    def open_service(self, engine: Engine, account: Account) -> EbayPublicationService:
        settings = self.deps.settings
        timeout = settings.marketplace_timeout_s
        tokens = AccountTokens(
            engine,
            self.deps.box,
            account,
            EbayTokenEndpoint(settings.ebay_api_url, timeout_s=timeout),
            clock=self.deps.clock,
        )
        client = EbayClient(
            settings.ebay_api_url,
            settings.ebay_media_url,
            tokens,
            content_language=EbaySellerSetup.of(account).content_language,
            timeout_s=timeout,
        )
        return EbayPublicationService(client, account, self.deps.images)

    async def close_service(self, service: EbayPublicationService) -> None:
        await service.client.aclose()

    # -- steps shared by publish and update ------------------------------------------------------
    async def validate(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            product = require_product(s)
            setup = s.service.setup()  # names any missing policy or location
            s.service.payload(product)  # the mapping's own checks (category, condition, images...)
            return {"product_id": product.id, "marketplace_id": setup.marketplace_id}

    async def map_data(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            return s.service.payload(require_product(s))

    async def upload_image(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            product = require_product(s)
            image = public_image(product, int(ctx.input["image_id"]))
            if image is None:
                return skipped_image("the image is internal or was removed since the job was planned")
            with s.engine.connect() as conn:
                record = find_listing(conn, s.account.id, product.id)
            already = (record.details.get("images") or {}).get(image.url) if record else None
            if already:  # an update re-sends only images eBay does not have yet
                return {"source_url": image.url, "image_url": already, "reused": True}
            url = await s.service.upload_image(image.url, int(ctx.input["rank"]))
            ctx.record_side_effect("ebay_image_uploaded", image_url=url)
            return {"source_url": image.url, "image_url": url}

    async def put_item(self, ctx: StepContext) -> dict[str, Any]:
        payload = ctx.output_of("map_data")
        images = uploaded_images(ctx)
        async with self.session(ctx) as s:
            await s.service.put_item(payload["sku"], payload["item"], [i["image_url"] for i in images])
        ctx.record_side_effect("ebay_inventory_item_put", sku=payload["sku"])
        return {"sku": payload["sku"], "images": {i["source_url"]: i["image_url"] for i in images}}
