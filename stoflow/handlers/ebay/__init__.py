"""eBay handlers: publish, update, delete, unpublish, sync (Inventory API)."""
