"""One adapter per model-metadata source format; each returns a ModelBatch."""
