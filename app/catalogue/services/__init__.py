"""Catalogue use cases, one module per subject; callers import the module they use."""
