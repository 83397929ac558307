"""Users, organisations and their adhesion, login, API tokens and role checks."""
