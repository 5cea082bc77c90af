"""Etsy Open API v3: listings, images, inventory (SKU), receipts, OAuth refresh; the services."""
