"""Framework agreements, lots, ranked vendors, priced catalogue items."""
