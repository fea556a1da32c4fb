"""Model knowledge base: sources, entity resolution, licences, hybrid retrieval."""
