"""Stack8s AI Architect: AI/ML infrastructure plans from real catalogs and sizing formulas."""

__version__ = "0.1.0"
