"""Pure checkout rules: line problems, shipping, discounts, totals, request hashing. No I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import msgspec

from bazaar.sdk.errors import FieldProblem, ValidationFailed

#: the problem kinds a checkout line can have; one kind gives that code, several ``invalid_lines``
LINE_PROBLEMS = ("invalid_id", "invalid_quantity", "wrong_currency", "duplicate_line", "sku_not_found",
                 "sku_unavailable", "too_many_lines")


def shipping_fee(subtotal: int, *, flat: int, free_over: int | None) -> int:
    """The core's flat rate, free when the merchant's subtotal reaches ``free_over``."""
    if free_over is not None and subtotal >= free_over:
        return 0
    return flat


def capped_discount(amounts: Iterable[int], subtotal: int) -> int:
    """Discounts are summed and capped at the subtotal (shipping is never discounted below zero)."""
    return min(sum(amounts), subtotal)


def order_total(subtotal: int, shipping: int, discount: int) -> int:
    return subtotal + shipping - discount


def line_problems_error(problems: list[tuple[str, FieldProblem]]) -> ValidationFailed:
    """One ``422`` listing every line problem; the code is the kind when there is one kind."""
    kinds = sorted({kind for kind, _ in problems})
    code = kinds[0] if len(kinds) == 1 else "invalid_lines"
    detail = "; ".join(f"{p.field}: {p.reason}" for _, p in problems)
    return ValidationFailed(detail, code=code, errors=[p for _, p in problems])


def parse_lines_query(raw: str) -> list[tuple[str, int]]:
    """``sku_a:2,sku_b:1`` -> ``[("sku_a", 2), ("sku_b", 1)]``; refuses what does not parse."""
    out: list[tuple[str, int]] = []
    problems: list[FieldProblem] = []
    for i, item in enumerate(part for part in raw.split(",") if part.strip()):
        sku, sep, qty = item.strip().partition(":")
        if not sep or not qty.strip().lstrip("-").isdigit() or len(qty) > 10:
            problems.append(FieldProblem(field=f"lines[{i}]", reason="expected <sku_id>:<quantity>", value=item[:60]))
            continue
        out.append((sku.strip(), int(qty)))
    if not out and not problems:
        problems.append(FieldProblem(field="lines", reason="at least one line is required"))
    if problems:
        raise ValidationFailed("; ".join(f"{p.field}: {p.reason}" for p in problems), code="validation_failed",
                               errors=problems)
    return out


def request_hash(body: msgspec.Struct) -> str:
    """SHA-256 of the decoded request (field order fixed by the Struct), for idempotency checks."""
    return hashlib.sha256(msgspec.json.encode(body)).hexdigest()
