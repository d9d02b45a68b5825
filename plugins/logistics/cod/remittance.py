"""Remittance files: parse, reconcile line by line in set-based SQL, post matched money.

One upload is one transaction and one ``Idempotency-Key`` (a unique column: a concurrent
second upload with the same key waits, then answers the first one's result). The lines
are staged with multi-row statements (``bazaar.sdk.bulk``), classified by a few
``UPDATE ... FROM`` statements (the rule of ``policy.classify_line``): ``duplicate``
(again in this file, or already remitted), ``unexpected`` (no collection), ``refused_but_remitted``,
``matched`` / ``short`` / ``over`` by amount. Matched money goes to the payments plugin's
``record_collections`` in batches; everything else opens an exception. ``cod.remittance_matched``
events follow after commit, in batches (``logistics.cod.announce``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import asyncpg
import msgspec

from bazaar.plugins.logistics import contract
from bazaar.plugins.logistics.cod import collections
from bazaar.plugins.logistics.events import CodException, CodRemittanceMatched
from bazaar.sdk.api import new_id
from bazaar.sdk.bulk import encode, insert_rows, is_sqlite, json_rows
from bazaar.sdk.errors import FieldProblem, ProviderError, ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due
from bazaar.sdk.types import CollectedPayment

ANNOUNCE_TIMER = "logistics.cod.announce"
ANNOUNCE_BATCH = 500
RECORD_BATCH = 50_000
COLUMNS = ("waybill", "collected", "fee", "outcome", "collected_at")
Line = tuple[str, int, int, str, datetime | None]


class JsonLine(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    waybill: str
    collected: int
    fee: int = 0
    outcome: str = "collected"
    collected_at: datetime | None = None


class JsonFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    carrier: str
    currency: str = "CNY"
    lines: list[JsonLine]


def _bad(problems: list[FieldProblem]) -> ValidationFailed:
    return ValidationFailed(f"the remittance file has {len(problems)} bad line(s)", code="logistics.cod_bad_remittance",
                            errors=problems[:50])


def _check(i: int, waybill: str, collected: int, fee: int, outcome: str, at: datetime | None,
           problems: list[FieldProblem]) -> None:
    if not 1 <= len(waybill) <= 40:
        problems.append(FieldProblem(field=f"lines[{i}].waybill", reason="1-40 characters", value=waybill[:40]))
    if collected < 0 or fee < 0 or collected > 10**12 or fee > 10**12:
        problems.append(FieldProblem(field=f"lines[{i}].collected", reason="amounts are 0 or more", value=collected))
    if outcome not in ("collected", "refused"):
        problems.append(FieldProblem(field=f"lines[{i}].outcome", reason="collected or refused", value=outcome[:20]))
    if at is not None and at.tzinfo is None:
        problems.append(FieldProblem(field=f"lines[{i}].collected_at", reason="needs a time zone"))


def _minor(text: str) -> int:
    value = Decimal(text.strip())
    if value != value.quantize(Decimal("0.01")):
        raise InvalidOperation
    return int(value * 100)


def parse(body: bytes, content_type: str, carrier: str | None, currency: str | None,
          max_lines: int) -> tuple[str, str, list[Line]]:
    """``(carrier, currency, lines)`` of a CSV (amounts in major units, ``carrier`` and ``currency``
    from the query) or JSON file (amounts in minor units); every bad line is named at once."""
    problems: list[FieldProblem] = []
    lines: list[Line] = []
    if content_type.startswith("application/json"):
        try:
            doc = msgspec.json.decode(body, type=JsonFile)
        except msgspec.DecodeError as exc:
            raise ValidationFailed("the remittance file is not the documented JSON", code="logistics.cod_bad_remittance",
                                   errors=[FieldProblem(field="body", reason=str(exc)[:200])]) from None
        carrier, currency = doc.carrier, doc.currency
        for i, ln in enumerate(doc.lines):
            _check(i, ln.waybill, ln.collected, ln.fee, ln.outcome, ln.collected_at, problems)
            lines.append((ln.waybill, ln.collected, ln.fee, ln.outcome, ln.collected_at))
    elif content_type.startswith("text/csv"):
        try:
            reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
            header = [h.strip().lower() for h in next(reader, [])]
        except (UnicodeDecodeError, csv.Error):
            raise _bad([FieldProblem(field="body", reason="UTF-8 CSV with a header row")]) from None
        if tuple(header[:5]) != COLUMNS:
            raise _bad([FieldProblem(field="header", reason="columns " + ",".join(COLUMNS), value=",".join(header)[:80])])
        try:
            for i, row in enumerate(reader):
                if len(problems) > 50:
                    break
                try:
                    waybill, collected, fee, outcome, at = (row + [""] * 5)[:5]
                    when = datetime.fromisoformat(at.strip()) if at.strip() else None
                    c, f = _minor(collected or "0"), _minor(fee or "0")
                except (ValueError, InvalidOperation):
                    problems.append(FieldProblem(field=f"lines[{i}]", reason="amounts like 199.00, ISO times",
                                                 value=",".join(row)[:80]))
                    continue
                _check(i, waybill.strip(), c, f, outcome.strip().lower() or "collected", when, problems)
                lines.append((waybill.strip(), c, f, outcome.strip().lower() or "collected", when))
        except csv.Error as exc:
            problems.append(FieldProblem(field="body", reason=f"CSV: {exc}"[:200]))
    else:
        raise ValidationFailed("send text/csv or application/json", code="logistics.cod_bad_remittance",
                               errors=[FieldProblem(field="Content-Type", reason="text/csv or application/json",
                                                    value=content_type[:60])])
    if not carrier or not currency or len(currency) != 3:
        problems.append(FieldProblem(field="carrier", reason="carrier and a 3-letter currency are required"))
    if not lines:
        problems.append(FieldProblem(field="lines", reason="at least one line"))
    if len(lines) > max_lines:
        problems.append(FieldProblem(field="lines", reason=f"at most {max_lines} lines per file", value=len(lines)))
    if problems:
        raise _bad(problems)
    return str(carrier)[:20], str(currency).upper(), lines


async def upload(rt: PluginRuntime, body: bytes, content_type: str, *, key: str, carrier: str | None, currency: str | None,
                 actor_id: str | None) -> dict[str, Any]:
    """Reconcile one file (see the module doc); a repeat with the same key answers the first result."""
    digest = hashlib.sha256(body).hexdigest()
    stored = await _stored(rt, key, digest)
    if stored is not None:
        return stored
    config = rt.plugin_config(collections.PLUGIN)
    carrier, currency, lines = parse(body, content_type, carrier, currency, config.max_remittance_lines)
    try:
        async with rt.unit_of_work():
            remittance_id = new_id("rmt")
            await rt.db.execute(
                "INSERT INTO logistics_cod_remittance (id, idempotency_key, request_hash, carrier, currency, format, "
                "lines, counts, totals, uploaded_by, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                remittance_id, key, digest, carrier, currency, "json" if "json" in content_type else "csv",
                len(lines), "{}", "{}", actor_id, rt.clock.now(),
            )
            await _reconcile(rt, remittance_id, carrier, currency, lines)
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        stored = await _stored(rt, key, digest)
        if stored is None:
            raise
        return stored
    result = await _stored(rt, key, digest)
    assert result is not None
    return result


async def _stored(rt: PluginRuntime, key: str, digest: str) -> dict[str, Any] | None:
    row = await rt.db.fetchrow("SELECT * FROM logistics_cod_remittance WHERE idempotency_key = {}", key)
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise ValidationFailed("this Idempotency-Key was used with another file", code="idempotency_key_reused",
                               errors=[FieldProblem(field="Idempotency-Key", reason="already used for another file")])
    return view(row)


def view(row: dict[str, Any]) -> dict[str, Any]:
    decode = (lambda v: msgspec.json.decode(v) if isinstance(v, str | bytes) else v)  # noqa: E731
    return {"id": row["id"], "carrier": row["carrier"], "currency": row["currency"], "lines": row["lines"],
            "counts": decode(row["counts"]), "totals": decode(row["totals"]), "created_at": row["created_at"]}


async def _reconcile(rt: PluginRuntime, rid: str, carrier: str, currency: str, lines: list[Line]) -> None:
    """Stage and classify every line in one statement, then move the collections in one more."""
    now = rt.clock.now()
    db = rt.db
    staged = json_rows(is_sqlite(rt), ["integer", "text", "bigint", "bigint", "text", "timestamptz"],
                       ["seq", "waybill", "collected", "fee", "outcome", "at"])
    await db.execute(
        "INSERT INTO logistics_cod_line (id, remittance_id, seq, waybill, collected_minor, fee_minor, outcome, "
        "collected_at, announced, collection_id, kind) "
        "SELECT {} || ':' || j.seq, {}, j.seq, j.waybill, j.collected, j.fee, j.outcome, j.at, {}, c.id, CASE "
        "WHEN j.n > 1 OR c.remittance_id IS NOT NULL THEN 'duplicate' "
        "WHEN c.id IS NULL OR c.state IN ('cancelled', 'lost') THEN 'unexpected' "
        "WHEN c.state = 'refused' THEN CASE WHEN j.collected > 0 THEN 'refused_but_remitted' ELSE 'matched' END "
        "WHEN j.collected = c.expected_minor THEN 'matched' "
        "WHEN j.collected < c.expected_minor THEN 'short' ELSE 'over' END "
        f"FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.waybill ORDER BY s.seq) AS n FROM ({staged}) s) j "
        "LEFT JOIN logistics_cod_collection c ON c.carrier = {} AND c.waybill = j.waybill",
        rid, rid, False, encode([[i, w, c, f, o, at] for i, (w, c, f, o, at) in enumerate(lines)], sqlite=is_sqlite(rt)),
        carrier,
    )
    await db.execute(
        "UPDATE logistics_cod_collection SET remittance_id = l.remittance_id, collected_minor = l.collected_minor, "
        "fee_minor = l.fee_minor, updated_at = {}, state = CASE WHEN logistics_cod_collection.state = 'refused' "
        "THEN 'refused' ELSE l.kind END, ledger_ref = CASE WHEN l.kind = 'matched' AND l.collected_minor > 0 THEN "
        "'cod:' || logistics_cod_collection.order_id || ':' || l.id END "
        "FROM logistics_cod_line l WHERE l.remittance_id = {} AND l.collection_id = logistics_cod_collection.id "
        "AND l.kind IN ('matched', 'short', 'over', 'refused_but_remitted')",
        now, rid,
    )
    await _exceptions(rt, rid, currency)
    await _record_matched(rt, rid, carrier, currency)
    rows = await db.fetch("SELECT kind, COUNT(*) AS n, COALESCE(SUM(collected_minor), 0) AS collected, "
                          "COALESCE(SUM(fee_minor), 0) AS fee FROM logistics_cod_line WHERE remittance_id = {} "
                          "GROUP BY kind", rid)
    missing = await db.fetchrow("SELECT COUNT(*) AS n FROM logistics_cod_collection WHERE carrier = {} "
                                "AND state = 'missing'", carrier)
    counts = {k: 0 for k in ("matched", "short", "over", "unexpected", "duplicate", "refused_but_remitted")}
    counts.update({r["kind"]: int(r["n"]) for r in rows})
    counts["missing"] = int(missing["n"]) if missing else 0
    totals = {"collected": sum(int(r["collected"]) for r in rows), "fee": sum(int(r["fee"]) for r in rows),
              "matched": sum(int(r["collected"]) for r in rows if r["kind"] == "matched")}
    await db.execute("UPDATE logistics_cod_remittance SET counts = {}, totals = {} WHERE id = {}",
                     msgspec.json.encode(counts).decode(), msgspec.json.encode(totals).decode(), rid)
    await rt.timers.schedule(ANNOUNCE_TIMER, rid, now, {})


async def _exceptions(rt: PluginRuntime, rid: str, currency: str) -> None:
    rows = await rt.db.fetch(
        "SELECT l.id, l.kind, l.waybill, l.collected_minor, l.fee_minor, c.id AS collection_id, c.order_id, "
        "c.merchant_id, c.expected_minor FROM logistics_cod_line l LEFT JOIN logistics_cod_collection c "
        "ON c.id = l.collection_id WHERE l.remittance_id = {} AND l.kind <> 'matched' ORDER BY l.seq",
        rid,
    )
    now = rt.clock.now()
    if rows:
        await insert_rows(rt, "logistics_cod_exception",
                          ["id", "kind", "remittance_id", "line_id", "collection_id", "order_id", "merchant_id",
                           "waybill", "expected_minor", "collected_minor", "fee_minor", "currency", "state",
                           "created_at"],
                          ["text", "text", "text", "text", "text", "text", "text", "text", "bigint", "bigint",
                           "bigint", "text", "text", "timestamptz"],
                          [[new_id("cxe"), r["kind"], rid, r["id"], r["collection_id"], r["order_id"], r["merchant_id"],
                            r["waybill"], r["expected_minor"], r["collected_minor"], r["fee_minor"], currency, "open", now]
                           for r in rows])
    for r in rows[:ANNOUNCE_BATCH]:
        await rt.emit(CodException(exception_id=r["id"], kind=r["kind"], waybill=r["waybill"],
                                             order_id=r["order_id"], merchant_id=r["merchant_id"], remittance_id=rid))


def recorder(rt: PluginRuntime) -> Any:
    """The payment provider that records collected cash (``recorder``, or the one that can)."""
    wanted = rt.plugin_config(collections.PLUGIN).recorder
    found = {pid: p for pid, p in contract.providers(rt, "payment").items() if hasattr(p, "record_collections")}
    if wanted:
        if wanted not in found:
            raise ProviderError(f"payment provider {wanted!r} cannot record collections", code="logistics.cod_no_recorder")
        return found[wanted]
    if len(found) != 1:
        raise ProviderError("exactly one payment provider must record COD collections (set recorder)",
                            code="logistics.cod_no_recorder")
    return next(iter(found.values()))


async def record(rt: PluginRuntime, rows: list[dict[str, Any]], carrier: str, currency: str) -> list[str]:
    """Hand collections to the payments plugin (amount = what was collected, less nothing)."""
    batch = tuple(CollectedPayment(
        order_id=r["order_id"], amount=Money(amount=int(r["collected_minor"]), currency=currency),
        fee=Money(amount=int(r["fee_minor"]), currency=currency), carrier=carrier, waybill=r["waybill"],
        collected_at=r["collected_at"] or rt.clock.now(), idempotency_key=f"{r['order_id']}:{r['line_id']}",
        merchant_id=r["merchant_id"], customer_id=r["customer_id"], checkout_id=r["checkout_id"],
    ) for r in rows if int(r["collected_minor"]) > 0)
    if not batch:
        return []
    return list(await recorder(rt).record_collections(rt.context(), batch))


async def _record_matched(rt: PluginRuntime, rid: str, carrier: str, currency: str) -> None:
    from bazaar.plugins.logistics.tracking import _utc

    rows = await rt.db.fetch(
        "SELECT l.id AS line_id, l.waybill, l.collected_minor, l.fee_minor, l.collected_at, c.id AS collection_id, "
        "c.order_id, c.merchant_id, c.customer_id, c.checkout_id FROM logistics_cod_line l "
        "JOIN logistics_cod_collection c ON c.id = l.collection_id WHERE l.remittance_id = {} AND l.kind = 'matched' "
        "AND l.collected_minor > 0 ORDER BY l.seq",
        rid,
    )
    for r in rows:
        r["collected_at"] = _utc(r["collected_at"]) if r["collected_at"] else None
    for start in range(0, len(rows), RECORD_BATCH):
        await record(rt, rows[start:start + RECORD_BATCH], carrier, currency)


async def announce(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.cod.announce``: emit ``cod.remittance_matched`` for a batch of matched lines."""
    rid, _, rounds = due.subject.partition(":")
    rows = await rt.db.fetch(
        "SELECT l.id, l.collected_minor, l.fee_minor, l.seq, c.id AS collection_id, c.order_id, c.merchant_id, "
        "c.currency FROM logistics_cod_line l JOIN logistics_cod_collection c ON c.id = l.collection_id "
        "WHERE l.remittance_id = {} AND l.kind = 'matched' AND l.announced = {} ORDER BY l.seq LIMIT {}",
        rid, False, ANNOUNCE_BATCH,
    )
    for r in rows:
        await rt.emit(CodRemittanceMatched(
            order_id=r["order_id"], merchant_id=r["merchant_id"], collection_id=r["collection_id"],
            remittance_id=rid, amount=Money(amount=int(r["collected_minor"]), currency=r["currency"]),
            fee=Money(amount=int(r["fee_minor"]), currency=r["currency"]),
            ledger_ref=f"cod:{r['order_id']}:{r['id']}"))
    if rows:
        marks = ", ".join("{}" for _ in rows)
        await rt.db.execute(f"UPDATE logistics_cod_line SET announced = {{}} WHERE id IN ({marks})",
                            True, *[r["id"] for r in rows])
    if len(rows) == ANNOUNCE_BATCH:
        await rt.timers.schedule(ANNOUNCE_TIMER, f"{rid}:{int(rounds or 0) + 1}", rt.clock.now(), {})

