"""Request and response models: one family per resource (Create, Update, Public)."""
