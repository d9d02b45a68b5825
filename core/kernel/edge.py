"""The HTTP edge: security headers on every response, and the API docs UI served offline.

* every response: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``;
* HTML (the docs UI, provider sandbox pages): a ``Content-Security-Policy`` that allows only
  this origin's scripts and forbids framing, plus ``X-Frame-Options: DENY``;
* the docs UI (``/schema``) is Swagger UI from the ``swagger-ui-bundle`` package, so it works
  offline and behind a strict CSP (no CDN, no inline script).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

ASSETS_PATH = "/schema/assets"
STATIC = Path(__file__).parent / "static"

CSP_HTML = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin")]
HTML_ONLY = [(b"content-security-policy", CSP_HTML.encode()), (b"x-frame-options", b"DENY")]


def security_headers(headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers plus the security headers (HTML gets a CSP and no framing)."""
    out = list(headers)
    present = {name.lower() for name, _ in out}
    html = any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in out)
    for name, value in ALWAYS + (HTML_ONLY if html else []):
        if name not in present:
            out.append((name, value))
    return out


class OfflineSwaggerUI(OpenAPIRenderPlugin):
    """Swagger UI from package files, started by an external script (CSP ``script-src 'self'``)."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = openapi_schema.get("info", {}).get("title", "API")
        return (
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
            f"{title} API</title><link rel=\"stylesheet\" href=\"{ASSETS_PATH}/swagger-ui.css\"></head>"
            "<body><div id=\"swagger-ui\"></div>"
            f"<script src=\"{ASSETS_PATH}/swagger-ui-bundle.js\"></script>"
            f"<script src=\"{ASSETS_PATH}/swagger-init.js\"></script></body></html>"
        ).encode()


def docs_assets_router() -> Router:
    """Static files of the docs UI (the Swagger UI package and our start script)."""
    import swagger_ui_bundle

    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[STATIC, Path(swagger_ui_bundle.swagger_ui_path)],
        include_in_schema=False,
        opt={"auth": "public"},
        name="docs_assets",
    )
