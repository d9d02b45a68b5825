"""The framework ceiling: a bare Litestar app answering a fixed JSON body.

Served exactly like ``bazaar serve``: ``uvicorn.run(..., workers=N)`` with the same
options and the same TCP_NODELAY fix (``tcp_nodelay_for_workers``); nothing below the
handler (no database, no guard, no middleware), so its rate is what the HTTP stack
alone allows on this machine. ``python bench/ceiling_app.py --workers 2 --port 8001``.
"""

import argparse
import sys
from pathlib import Path

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


if __name__ == "__main__":
    import uvicorn

    from bazaar.core.cli import tcp_nodelay_for_workers

    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    tcp_nodelay_for_workers()
    uvicorn.run("ceiling_app:app", host="127.0.0.1", port=args.port, workers=args.workers, log_level="warning",
                access_log=False)
