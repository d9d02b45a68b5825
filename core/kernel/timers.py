"""Durable timers and the worker that runs them.

Deadlines are rows in ``kernel_timer``. A worker claims due rows in batches (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite), runs the handler registered
for the kind, and marks the row done in the same transaction as the handler's writes, so
a deadline's effects happen once however many workers run. Failures retry with
exponential backoff until ``worker.max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.timers import Due

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime

log = logging.getLogger("bazaar.timers")


def timer_key(kind: str, subject: str) -> str:
    return f"{kind}:{subject}"


def backoff(attempt: int, base: float, cap: float) -> timedelta:
    """Exponential backoff: ``base * 2**(attempt-1)`` seconds, at most ``cap``."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempt - 1)))


class Timers:
    """Schedule, reschedule and cancel timers by ``(kind, subject)``."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def schedule(
        self, kind: str, subject: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> str:
        """Create the pending timer for ``(kind, subject)``, or move and update the existing one."""
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        db = self.rt.db
        key = timer_key(kind, subject)
        body = msgspec.json.encode(payload or {}).decode()
        # one statement: insert, or move the pending timer holding this key (no read-then-write race)
        row = await db.fetchrow(
            "INSERT INTO kernel_timer (id, kind, subject, key, payload, due_at, status, attempts, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, 'pending', 0, {}) "
            "ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, "
            "attempts = 0, last_error = NULL RETURNING id",
            new_id("tmr"),
            kind,
            subject,
            key,
            body,
            due_at,
            self.rt.clock.now(),
        )
        assert row is not None
        timer_id = row["id"]
        await db.notify_workers()
        self.rt.db.after_commit(self.rt.worker.kick)
        return timer_id

    async def reschedule(self, kind: str, subject: str, due_at: datetime) -> bool:
        """Move a pending timer; ``False`` when there is none."""
        rows = await self.rt.db.execute(
            "UPDATE kernel_timer SET due_at = {} WHERE key = {} AND status = 'pending' RETURNING id",
            due_at,
            timer_key(kind, subject),
        )
        return bool(rows)

    async def cancel(self, kind: str, subject: str) -> bool:
        """Cancel a pending timer; ``False`` when there is none."""
        rows = await self.rt.db.execute(
            "UPDATE kernel_timer SET status = 'cancelled', key = NULL, finished_at = {} "
            "WHERE key = {} AND status = 'pending' RETURNING id",
            self.rt.clock.now(),
            timer_key(kind, subject),
        )
        return bool(rows)

    async def get(self, kind: str, subject: str) -> dict[str, Any] | None:
        """The pending timer for ``(kind, subject)``, if any."""
        return await self.rt.db.fetchrow(
            "SELECT id, kind, subject, due_at, attempts, status FROM kernel_timer WHERE key = {}",
            timer_key(kind, subject),
        )


class Worker:
    """Claims due timers and runs their handlers; embedded in ``bazaar serve`` or standalone."""

    def __init__(self, runtime: Runtime, worker_id: str | None = None) -> None:
        self.rt = runtime
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{new_id('w')[-6:]}"
        self._wake = asyncio.Event()
        self.ran = 0
        #: rounds of claiming done by run_forever (each after a wake-up or a poll interval)
        self.rounds = 0
        #: lease renewals done (and an event set after each, for tests and monitoring)
        self.renewals = 0
        self.renewed = asyncio.Event()

    def kick(self) -> None:
        """Wake the loop: something may be due now (called after commits that schedule)."""
        self._wake.set()

    async def claim(self, limit: int) -> list[Due]:
        db = self.rt.db
        cfg = self.rt.settings.worker
        kinds = sorted(self.rt.timer_handlers)
        if not kinds:
            return []
        now = self.rt.clock.now()
        lease = now + timedelta(seconds=cfg.lease_seconds)
        in_kinds = ", ".join("{}" for _ in kinds)
        lock = "" if db.is_sqlite else " FOR UPDATE SKIP LOCKED"
        async with db.transaction():
            rows = await db.fetch(
                "UPDATE kernel_timer SET locked_by = {}, locked_until = {}, attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM kernel_timer WHERE status = 'pending' AND due_at <= {} "
                "AND (locked_until IS NULL OR locked_until < {}) "
                f"AND kind IN ({in_kinds}) ORDER BY due_at LIMIT {{}}{lock}) "
                "RETURNING id, kind, subject, payload, due_at, attempts",
                self.id,
                lease,
                now,
                now,
                *kinds,
                limit,
            )
        rows.sort(key=lambda r: (r["due_at"], r["id"]))
        return [
            Due(
                id=r["id"],
                kind=r["kind"],
                subject=r["subject"],
                payload=_json(r["payload"]),
                due_at=r["due_at"],
                attempt=r["attempts"],
            )
            for r in rows
        ]

    async def run_one(self, due: Due) -> bool:
        handler = self.rt.timer_handlers[due.kind]
        db = self.rt.db
        try:
            if getattr(handler, "bazaar_outside_transaction", False):
                await handler(self.rt, due)
                async with db.transaction():
                    await self._finish(due)
            else:
                async with db.transaction():
                    await handler(self.rt, due)
                    await self._finish(due)
        except _LeaseLost:
            log.warning("timer %s (%s) lease lost; another worker owns it", due.id, due.kind)
            return False
        except Exception as exc:  # a failing handler must never stop the worker
            log.exception("timer %s (%s %s) failed", due.id, due.kind, due.subject)
            await self._fail(due, exc)
            return False
        self.ran += 1
        return True

    async def _finish(self, due: Due) -> None:
        rows = await self.rt.db.execute(
            "UPDATE kernel_timer SET status = 'done', key = NULL, finished_at = {}, locked_until = NULL "
            "WHERE id = {} AND locked_by = {} AND status = 'pending' RETURNING id",
            self.rt.clock.now(),
            due.id,
            self.id,
        )
        if not rows:
            raise _LeaseLost()

    async def _fail(self, due: Due, exc: Exception) -> None:
        cfg = self.rt.settings.worker
        now = self.rt.clock.now()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        async with self.rt.db.transaction():
            if due.attempt >= cfg.max_attempts:
                await self.rt.db.execute(
                    "UPDATE kernel_timer SET status = 'failed', key = NULL, last_error = {}, "
                    "finished_at = {}, locked_by = NULL, locked_until = NULL WHERE id = {} AND locked_by = {}",
                    error,
                    now,
                    due.id,
                    self.id,
                )
            else:
                retry_at = now + backoff(due.attempt, cfg.backoff_base_seconds, cfg.backoff_max_seconds)
                await self.rt.db.execute(
                    "UPDATE kernel_timer SET due_at = {}, last_error = {}, locked_by = NULL, "
                    "locked_until = NULL WHERE id = {} AND locked_by = {}",
                    retry_at,
                    error,
                    due.id,
                    self.id,
                )

    async def run_due(self, max_rounds: int = 1000) -> int:
        """Run everything due at the clock's current time (including what that schedules)."""
        total = 0
        for _ in range(max_rounds):
            batch = await self.claim(self.rt.settings.worker.batch_size)
            if not batch:
                break
            held = {due.id for due in batch}
            heartbeat = self._start_heartbeat(held)
            try:
                for due in batch:
                    total += await self.run_one(due)
                    held.discard(due.id)
            finally:
                if heartbeat is not None:
                    heartbeat.cancel()
        return total

    def _start_heartbeat(self, held: set[str]) -> asyncio.Task[None] | None:
        """Renew the leases of ``held`` every third of ``lease_seconds`` while the batch runs, so a
        short lease is safe for a slow handler and a killed worker's timers come back soon.
        (SQLite has one embedded worker per database: nothing to renew against.)"""
        if self.rt.db.is_sqlite:
            return None
        return asyncio.create_task(self._heartbeat(held))

    async def _heartbeat(self, held: set[str]) -> None:
        interval = max(self.rt.settings.worker.lease_seconds / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            if held:
                try:
                    await self.renew(held)
                except Exception:
                    log.exception("worker %s: renewing leases failed", self.id)

    async def renew(self, ids: set[str]) -> int:
        """Extend the leases this worker holds on ``ids`` to ``now + lease_seconds``; returns how many."""
        if not ids:
            return 0
        until = self.rt.clock.now() + timedelta(seconds=self.rt.settings.worker.lease_seconds)
        marks = ", ".join("{}" for _ in ids)
        async with self.rt.db.transaction():
            rows = await self.rt.db.execute(
                f"UPDATE kernel_timer SET locked_until = {{}} WHERE locked_by = {{}} AND status = 'pending' "
                f"AND id IN ({marks}) RETURNING id",
                until, self.id, *sorted(ids),
            )
        self.renewals += 1
        self.renewed.set()
        return len(rows)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run what is due until ``stop`` is set, then wait: for a commit that schedules something
        (in this process, or in another one through PostgreSQL ``LISTEN``), or ``poll_seconds``."""
        poll = self.rt.settings.worker.poll_seconds
        close_listener = None
        if not self.rt.db.is_sqlite:
            try:
                close_listener = await self.rt.db.listen_for_wakeups(self.kick)
            except Exception:
                log.exception("worker %s: cannot LISTEN for wake-ups; polling every %ss", self.id, poll)
        try:
            while not stop.is_set():
                self._wake.clear()  # before claiming: a wake-up during the round is kept
                try:
                    await self.run_due(max_rounds=50)
                except Exception:
                    log.exception("worker %s: claiming failed; retrying", self.id)
                self.rounds += 1
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
        finally:
            if close_listener is not None:
                await close_listener()


class _LeaseLost(Exception):
    pass


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value) if value else {}
    return value or {}
