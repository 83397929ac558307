"""The home page, language switch and other pages that belong to no domain."""
