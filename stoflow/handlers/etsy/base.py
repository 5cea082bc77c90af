"""What every Etsy handler shares: opening the service, recording listing ids, common steps."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Engine

from stoflow.domain.enums import Action, Marketplace
from stoflow.domain.steps import StepContext
from stoflow.handlers.common import skipped_image
from stoflow.handlers.direct_api import DirectAPIJobHandler, public_image, require_product
from stoflow.marketplaces.auth.accounts import Account
from stoflow.marketplaces.auth.tokens import AccountTokens
from stoflow.marketplaces.etsy.client import EtsyClient, EtsyTokenEndpoint, api_key
from stoflow.marketplaces.etsy.service import EtsyPublicationService, EtsyShopSetup, RemoteListing
from stoflow.marketplaces.listings import (
    ListingRecord,
    ListingState,
    find_listing,
    record_change,
    save_listing,
)


class EtsyHandler(DirectAPIJobHandler[EtsyPublicationService]):
    marketplace: ClassVar[Marketplace] = Marketplace.ETSY

    def open_service(self, engine: Engine, account: Account) -> EtsyPublicationService:
        settings = self.deps.settings
        timeout = settings.marketplace_timeout_s
        tokens = AccountTokens(
            engine,
            self.deps.box,
            account,
            EtsyTokenEndpoint(settings.etsy_oauth_url, timeout_s=timeout),
            clock=self.deps.clock,
        )
        client = EtsyClient(
            settings.etsy_api_url,
            tokens,
            key=api_key(account.credentials),
            shop_id=EtsyShopSetup.of(account).shop_id,
            timeout_s=timeout,
        )
        return EtsyPublicationService(client, account, self.deps.images)

    async def close_service(self, service: EtsyPublicationService) -> None:
        await service.client.aclose()

    # -- local records ---------------------------------------------------------------------------
    def record(self, ctx: StepContext) -> ListingRecord | None:
        assert ctx.job.account_id is not None
        assert ctx.job.product_id is not None
        with self.engine(ctx).connect() as conn:
            return find_listing(conn, ctx.job.account_id, ctx.job.product_id)

    def remember(
        self,
        ctx: StepContext,
        sku: str,
        listing: RemoteListing,
        state: ListingState,
        change: str | None = None,
    ) -> None:
        """Store the listing's id and state now, in a commit of its own, with an audit entry."""
        assert ctx.job.account_id is not None
        assert ctx.job.product_id is not None
        now = self.deps.clock()
        with self.engine(ctx).begin() as conn:
            save_listing(
                conn,
                account_id=ctx.job.account_id,
                product_id=ctx.job.product_id,
                marketplace=self.marketplace,
                sku=sku,
                now=now,
                remote_id=str(listing.listing_id),
                url=listing.url,
                state=state,
            )
            if change is not None:
                record_change(
                    conn,
                    product_id=ctx.job.product_id,
                    account_id=ctx.job.account_id,
                    marketplace=self.marketplace,
                    change=change,
                    now=now,
                    job_id=ctx.job.id,
                    remote_id=str(listing.listing_id),
                )

    # -- steps shared by publish and update ------------------------------------------------------
    async def validate(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            product = require_product(s)
            setup = s.service.setup()
            s.service.payload(product)
            return {"product_id": product.id, "shop_id": setup.shop_id}

    async def map_data(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            return s.service.payload(require_product(s))

    async def upload_image(self, ctx: StepContext) -> dict[str, Any]:
        listing_id = int(self.listing_id(ctx))
        async with self.session(ctx) as s:
            image = public_image(require_product(s), int(ctx.input["image_id"]))
            if image is None:
                return skipped_image("the image is internal or was removed since the job was planned")
            record = self.record(ctx)
            already = (record.details.get("images") or {}).get(image.url) if record else None
            # An update keeps the images the listing already has; a new listing needs them all.
            if already and ctx.job.action is Action.UPDATE:
                return {"source_url": image.url, "listing_image_id": already, "reused": True}
            image_id = await s.service.upload_image(listing_id, image.url, int(ctx.input["rank"]))
        ctx.record_side_effect("etsy_image_uploaded", listing_id=listing_id, listing_image_id=image_id)
        return {"source_url": image.url, "listing_image_id": image_id}

    async def set_inventory(self, ctx: StepContext) -> dict[str, Any]:
        payload = ctx.output_of("map_data")
        listing_id = int(self.listing_id(ctx))
        async with self.session(ctx) as s:
            await s.service.set_inventory(listing_id, payload["inventory"])
        return {"listing_id": listing_id, "sku": payload["sku"]}

    def listing_id(self, ctx: StepContext) -> int:
        raise NotImplementedError
