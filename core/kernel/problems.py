"""Every error as RFC 9457 ``application/problem+json`` with a stable ``code``; no stack traces."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from bazaar.sdk.errors import BazaarError

log = logging.getLogger("bazaar.http")
PROBLEM = "application/problem+json"

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(content=body, status_code=body["status"], media_type=PROBLEM, headers=headers)


def _field_errors(extra: Any) -> list[dict[str, Any]]:
    out = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        key = item.get("key")
        path = re.search(r"at `\$\.?(.*?)`", message)
        field = (path.group(1) if path and path.group(1) else key) or "body"
        reason = re.sub(r" - at `\$.*?`", "", message)
        unknown = re.search(r"Object contains unknown field `(.+?)`", message)
        missing = re.search(r"Object missing required field `(.+?)`", message)
        if unknown or missing:
            name = (unknown or missing).group(1)  # type: ignore[union-attr]
            field = f"{field}.{name}" if path and path.group(1) else name
            reason = "unknown field" if unknown else "required field missing"
        out.append({"field": field, "reason": reason, "source": item.get("source", "body")})
    return out


def handle_bazaar_error(request: Request[Any, Any, Any], exc: BazaarError) -> Response[Any]:
    body = exc.problem()
    body["instance"] = request.url.path
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
    return problem_response(body, headers)


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    body: dict[str, Any] = {
        "type": f"https://bazaar.dev/problems/{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": exc.detail if status < 500 else "Internal error",
        "instance": request.url.path,
    }
    if isinstance(exc, ValidationException) or (status == 400 and exc.extra):
        body.update(status=422, code="validation_failed", title="Invalid input",
                    type="https://bazaar.dev/problems/validation_failed")
        body["errors"] = _field_errors(exc.extra)
        missing = re.match(r"Missing required (\w+) parameter '([^']+)'", str(exc.detail))
        if not body["errors"] and missing:
            body["errors"] = [{"field": missing.group(2), "reason": "required", "source": missing.group(1)}]
        body["detail"] = "; ".join(f"{e['field']}: {e['reason']}" for e in body["errors"]) or exc.detail
    return problem_response(body, dict(exc.headers or {}) or None)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        {
            "type": "https://bazaar.dev/problems/internal_error",
            "title": "Internal error",
            "status": 500,
            "code": "internal_error",
            "detail": "The server failed to handle this request; it has been logged.",
            "instance": request.url.path,
        }
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    BazaarError: handle_bazaar_error,
    HTTPException: handle_http_error,
    Exception: handle_unexpected,
}
