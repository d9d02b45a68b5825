"""Pure rules for accounts: email normalisation, password strength, login throttling."""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn


def normalise_email(email: str) -> str:
    """Trim, NFKC-normalise and lower-case an email address."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def password_problems(password: str, *, email: str, min_length: int, min_score: int = 3,
                      user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Why a password is too weak (empty when it is acceptable).

    Strength is zxcvbn's estimate (0-4; it knows common passwords, keyboard walks, dates,
    names and l33t substitutions, so ``Password12`` and ``qwerty12345`` score 0-1): the score
    must reach ``min_score``. The email's local part and ``user_inputs`` count as known words.
    """
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters")
    local = email.split("@")[0].lower() if email else ""
    if local and len(local) >= 3 and local in password.lower():
        problems.append("must not contain the email address")
    if not password:  # zxcvbn fails on an empty string (IndexError); nothing to estimate
        return problems
    # zxcvbn refuses input over 72 characters (it is quadratic): judge the first 72
    estimate = zxcvbn(password[:72], user_inputs=[local, *user_inputs] if local else list(user_inputs))
    if estimate["score"] < min_score:
        warning = estimate["feedback"].get("warning") or "it is easy to guess"
        problems.append(f"too easy to guess ({warning.rstrip('.').lower()}); use a longer, less common password")
    return problems


def throttled(attempts: int, max_failures: int) -> bool:
    """Whether this attempt must wait: ``attempts`` counts it and the failures before it in the window."""
    return attempts > max_failures
