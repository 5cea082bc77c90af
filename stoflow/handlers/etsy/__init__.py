"""Etsy handlers: publish, update, delete, sync, orders_sync (Open API v3)."""
