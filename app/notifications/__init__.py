"""In-app notifications and their wording (DESIGN §7: below vendors, catalogue and orders)."""
