"""eBay Sell APIs: Inventory (items, offers), Media (images), OAuth refresh; the publication service."""
