"""Users and auth: registration, login (argon2), bearer tokens, API keys, throttling, personal data."""
