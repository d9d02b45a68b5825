"""Small helpers shared by thin controllers: id checks, list envelopes, idempotency keys."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from bazaar.core.kernel.ids import looks_like
from bazaar.sdk.errors import BazaarError, FieldProblem, ValidationFailed

T = TypeVar("T")

#: ``?limit=`` on list routes
Limit = Annotated[int, Parameter(ge=1, le=100, description="page size")]
#: ``?cursor=`` on list routes (opaque)
Cursor = Annotated[str | None, Parameter(max_length=200, description="opaque cursor from next_cursor")]


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """The envelope of every list: ``{"items": [...], "next_cursor": ...}``."""

    items: list[T]
    next_cursor: str | None = None


def check_id(value: str, prefix: str, field: str) -> str:
    """Refuse a malformed public id with ``422 invalid_id`` naming the field."""
    if not looks_like(value, prefix):
        raise ValidationFailed(
            f"{field} is not a valid id",
            code="invalid_id",
            errors=[FieldProblem(field=field, reason=f"expected an id like {prefix}_<26 characters>", value=value[:60])],
        )
    return value


def idempotency_key(headers: Any) -> str | None:
    key = headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed(
            "Idempotency-Key must be 1-200 printable characters",
            code="invalid_idempotency_key",
            errors=[FieldProblem(field="Idempotency-Key", reason="1-200 printable characters")],
        )
    return key


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An RFC 9457 problem document as Bazaar sends it."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


def problems(*errors: type[BazaarError]) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses`` for the errors a route may answer, grouped by status."""
    by_status: dict[int, list[str]] = {}
    for error in errors:
        by_status.setdefault(error.status, []).append(error.code)
    return {
        status: ResponseSpec(
            data_container=Problem,
            description="problem+json; codes: " + ", ".join(sorted(set(codes))),
            media_type="application/problem+json",
        )
        for status, codes in sorted(by_status.items())
    }
