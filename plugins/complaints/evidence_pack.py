"""The evidence pack of a complaint (``evidence_pack``, ECL 62): one zip with a sha256 manifest.

Inside: ``complaint.json`` (the complaint as the requester may see it, messages included),
``clocks.json`` (every clock with its recorded marks and calendar version), ``order.json``
(the order's snapshot from the orders facade), ``order_events.json`` (order, shipment and
after-sales events this plugin received for the order), ``evidence/<id>-<name>`` (cited
files the requester may see) and ``manifest.json``: each file's name, size and sha256,
who asked and when, and what is ``missing`` (records this plugin cannot reach, e.g. the
payments ledger, which only the payments plugin reads).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import msgspec

from bazaar.plugins.complaints import clockwork, evidence, ports, views
from bazaar.plugins.complaints.errors import EvidencePackDisabled
from bazaar.plugins.complaints.records import load, values
from bazaar.sdk.api import Actor
from bazaar.sdk.runtime import PluginRuntime

#: records an ECL 62 pack should hold that no facade gives this plugin yet
NOT_REACHABLE = ["payments ledger lines (no payments facade for other plugins)"]


def _json(value: Any) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=2)


async def _order_part(rt: PluginRuntime, order_id: str | None, files: dict[str, bytes], missing: list[str]) -> None:
    if order_id is None:
        return
    order = await ports.order(rt, order_id)
    if order is None:
        missing.append(f"order {order_id} (not found)")
    else:
        files["order.json"] = _json(order)
    facts = await rt.db.fetch("SELECT * FROM complaints_order_fact WHERE order_id = {} ORDER BY occurred_at, event_id",
                              order_id)
    files["order_events.json"] = _json([{"id": f["event_id"], "type": f["type"], "occurred_at": f["occurred_at"],
                                         "data": load(f["data"], {})} for f in facts])
    if not any(f["type"].startswith("shipment.") for f in facts):
        missing.append("shipment events (none received for this order: logistics not enabled or nothing shipped)")
    if not any(f["type"].startswith("aftersales.") for f in facts):
        missing.append("after-sales case (none received for this order)")


async def build(rt: PluginRuntime, complaint_id: str, actor: Actor) -> tuple[str, bytes]:
    """The pack's file name and zip bytes, for the complainant or an operator."""
    if not values(rt)["evidence_pack"]:
        raise EvidencePackDisabled("evidence packs are not offered under this policy")
    row, role = await views.load_for(rt, complaint_id, actor)
    files: dict[str, bytes] = {}
    missing: list[str] = list(NOT_REACHABLE)
    files["complaint.json"] = _json(await views.out(rt, row, role))
    clocks = []
    for clock in await clockwork.clocks_of(rt, complaint_id):
        marks = await clockwork.marks(rt, clock["id"])
        clocks.append({**{k: clock[k] for k in ("id", "name", "round", "unit", "amount", "actor", "state",
                                                "started_at", "due_at", "breached_at", "fulfilled_at",
                                                "calendar_version")},
                       "terms": load(clock["terms"], {}), "marks": msgspec.to_builtins(marks)})
    files["clocks.json"] = _json(clocks)
    await _order_part(rt, row["order_id"], files, missing)
    for file_id in sorted(await evidence.cited(rt, complaint_id, views.SEES[role])):
        stored, data = await evidence.read(rt, complaint_id, file_id, views.SEES[role])
        files[f"evidence/{file_id}-{stored.filename}"] = data
    manifest = {
        "complaint_id": complaint_id, "generated_at": rt.clock.now(), "requested_by": actor.user_id, "role": role,
        "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in sorted(files.items())],
        "missing": missing,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo("manifest.json", date_time=(2000, 1, 1, 0, 0, 0)), _json(manifest))
    return f"evidence-pack-{complaint_id}.zip", buffer.getvalue()
