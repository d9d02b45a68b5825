"""The framework ceiling: a bare Litestar app answering a fixed JSON body.

Served by ``uvicorn --workers N`` exactly like ``bazaar serve``; nothing below the
handler (no database, no guard, no middleware), so its rate is what the HTTP stack
alone allows on this machine.
"""

from litestar import Litestar, get

BODY = {
    "items": [{"id": f"prd_{i:026d}", "name": "fixed", "price": {"amount": 1999, "currency": "CNY"}}
              for i in range(3)],
    "next_cursor": None,
}


@get("/", sync_to_thread=False)
def fixed() -> dict[str, object]:
    """A fixed body."""
    return BODY


app = Litestar(route_handlers=[fixed], debug=False)
