"""Connecting a seller's eBay or Etsy account with OAuth 2 (authorization code; PKCE for Etsy)."""
