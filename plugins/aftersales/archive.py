"""Archiving: everything of a case is kept for ``retention.aftersales_days`` after it closes, then deleted.

Closing a case schedules ``aftersales.archive`` for its ``archive_until``; the timer deletes the
case, its lines, history, thread, evidence records, rulings and payment records (the evidence
files follow their own retention in the file store). A case on legal hold (``archive_until``
moved to null) is kept.
"""

from __future__ import annotations

from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

ARCHIVE_TIMER = "aftersales.archive"
OWNED = ("aftersales_case_line", "aftersales_history", "aftersales_message", "aftersales_evidence",
         "aftersales_ruling", "aftersales_payment", "aftersales_withdrawal")


async def purge(rt: PluginRuntime, due: Due) -> None:
    """Timer ``aftersales.archive``: delete a closed case whose retention ended."""
    row = await rt.db.fetchrow(
        "SELECT id FROM aftersales_case WHERE id = {} AND closed_at IS NOT NULL AND archive_until IS NOT NULL "
        "AND archive_until <= {}", due.subject, rt.clock.now())
    if row is None:
        return
    for table in OWNED:
        await rt.db.execute(f"DELETE FROM {table} WHERE case_id = {{}}", row["id"])
    await rt.db.execute("DELETE FROM aftersales_case WHERE id = {}", row["id"])
