"""Accounts: users (argon2 password hashes), roles, API tokens (stored hashed, shown once, scoped,
revocable) and console sessions."""
