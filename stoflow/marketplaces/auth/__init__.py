"""Marketplace accounts (encrypted credentials, settings) and OAuth token refresh."""
