"""Pure rules for accounts: email normalisation, password strength, login throttling."""

from __future__ import annotations

import unicodedata


def normalise_email(email: str) -> str:
    """Trim, NFKC-normalise and lower-case an email address."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def password_problems(password: str, *, email: str, min_length: int) -> list[str]:
    """Why a password is too weak (empty when it is acceptable)."""
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters")
    classes = sum(
        [
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < 2:
        problems.append("must mix at least two of letters, digits and symbols")
    if len(set(password)) < 4:
        problems.append("must not repeat the same few characters")
    if email and email.split("@")[0] and email.split("@")[0].lower() in password.lower():
        problems.append("must not contain the email address")
    return problems


def throttled(failures: int, max_failures: int) -> bool:
    """Whether another login attempt must wait (``failures`` within the window)."""
    return failures >= max_failures
