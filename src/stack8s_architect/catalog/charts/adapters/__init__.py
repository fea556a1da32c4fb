"""Chart-source adapters: one reader per format."""
