"""Users, their roles, login sessions and personal API tokens."""
