"""The markdown summary of one bench run."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpu import NCPU
from stats import Summary

TARGET_RATE = {"list": 1500.0, "detail": 1500.0, "checkout": 150.0}
TARGET_P99_MS = {"list": 50.0, "detail": 50.0}
LABELS = {
    "list": "product list (department, 20/page, keyset)",
    "detail": "product detail",
    "search": "text search (relevance, 20/page)",
    "checkout": "checkout to paid (escrow, sandbox)",
    "mixed": "mixed browse-then-buy",
    "ceiling_framework": "ceiling: bare Litestar, fixed body",
    "ceiling_db_list": "ceiling: list SQL via asyncpg",
    "ceiling_db_detail": "ceiling: detail SQL via asyncpg",
}
DB_CEILING = {"list": "ceiling_db_list", "detail": "ceiling_db_detail"}


@dataclass
class Results:
    runs: int
    duration: float
    clients: list[int]
    machine: dict[str, str] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)
    kernel_plugins: list[str] = field(default_factory=list)
    reads: dict[tuple[str, int], Summary] = field(default_factory=dict)
    growth: dict[tuple[str, str, int], Summary] = field(default_factory=dict)
    flows: dict[tuple[str, int], Summary] = field(default_factory=dict)
    flow_checks: list[str] = field(default_factory=list)
    flows_note: str | None = None
    kernel: dict[str, Summary] = field(default_factory=dict)
    kernel_note: str | None = None
    hooks: str = ""
    memory: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    loads: dict[str, float] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0


def _ratio(ours: Summary | None, ceiling: Summary | None) -> str:
    if ours is None or ceiling is None or not ceiling.median("rate"):
        return "-"
    return f"{ours.median('rate') / ceiling.median('rate'):.0%}"


def _lower(*ceilings: Summary | None) -> Summary | None:
    present = [c for c in ceilings if c is not None]
    return min(present, key=lambda c: c.median("rate")) if present else None


def _cpu(s: Summary) -> str:
    """Server / DB / load-generator CPU ms per request, the CPU-bound estimate, other load."""
    server, db, gen, other = (s.extra(k) for k in ("server_cpu_ms", "db_cpu_ms", "gen_cpu_ms", "other_load"))
    if server is None:
        return "- | - | - | -"
    total = server + (db or 0) + (gen or 0)
    estimate = f"{NCPU * 1000 / total:,.0f}" if total else "-"
    return f"{server:.2f} | {db:.2f} | {estimate} | {other:.0%}"


def _row(name: str, c: int, s: Summary, fw: Summary | None, db: Summary | None) -> str:
    lower = _lower(fw, db) if db is not None else None
    return (f"| {LABELS.get(name, name)} | {c} | {s.fmt('rate')} | {s.fmt('p50_ms', 1)} | {s.fmt('p99_ms', 1)} | "
            f"{s.errors} | {_ratio(s, fw) if not name.startswith('ceiling') else '-'} | {_ratio(s, db)} | "
            f"{_ratio(s, lower)} | {_cpu(s)} |")


def targets(r: Results) -> list[str]:
    out = ["| target (16 clients, 100k products) | measured (median) | met |", "|---|---|---|"]
    for name in ("list", "detail"):
        s = r.reads.get((name, 16))
        if s is None:
            out.append(f"| {name} >= {TARGET_RATE[name]:,.0f} req/s, p99 < {TARGET_P99_MS[name]:.0f} ms | not measured | - |")
            continue
        rate, p99 = s.median("rate"), s.median("p99_ms")
        met = rate >= TARGET_RATE[name] and p99 < TARGET_P99_MS[name]
        out.append(f"| {name} >= {TARGET_RATE[name]:,.0f} req/s, p99 < {TARGET_P99_MS[name]:.0f} ms | "
                   f"{rate:,.0f} req/s, p99 {p99:.1f} ms | {'yes' if met else 'no'} |")
        if name in r.queries:
            q = r.queries[name]
            out.append(f"| {name}: <= 3 SQL statements per request | {q} | {'yes' if q <= 3 else 'no'} |")
    s = r.flows.get(("checkout", 16))
    if s is None:
        out.append("| checkout to paid >= 150/s | not measured | - |")
    else:
        out.append(f"| checkout to paid >= 150/s | {s.median('rate'):,.0f}/s | "
                   f"{'yes' if s.median('rate') >= 150 else 'no'} |")
    return out


def markdown(r: Results) -> str:
    lines = ["# Bazaar benchmark", ""]
    lines.append(f"{r.runs} run(s) x {r.duration:.0f} s per scenario (after a 1 s warm-up); figures are the "
                 "median with min-max over runs. Server: `bazaar serve --workers 2 --no-worker` on PostgreSQL; "
                 "load generator (wrk, or the Python drivers) on the same machine over loopback.")
    lines.append("")
    lines.append("Machine: " + ", ".join(f"{k} {v}" for k, v in r.machine.items()))
    lines.append(f"Plugins enabled: {', '.join(r.plugins) or 'none'}. Wall time {r.wall_seconds / 60:.1f} min.")
    lines.append("")
    lines += ["## Targets", "", *targets(r), ""]

    lines += ["## Reads (100k products)", "",
              "CPU columns: CPU time per request of the server's workers and of the PostgreSQL backends; "
              "\"CPU-bound req/s on idle cores\" = cores x 1000 / (server + DB + load generator CPU ms per "
              "request), what the machine would do if nothing else ran on it; \"other load\" = the share of the "
              "machine's CPU used by processes outside the bench during the runs.", "",
              "| scenario | clients | req/s | p50 ms | p99 ms | errors | of framework ceiling | of DB ceiling "
              "| of lower ceiling | server CPU ms/req | DB CPU ms/req | CPU-bound req/s on idle cores | other load |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    order = ["list", "detail", "search", "ceiling_framework", "ceiling_db_list", "ceiling_db_detail"]
    for name in order:
        for c in r.clients:
            s = r.reads.get((name, c))
            if s is None:
                continue
            fw = r.reads.get(("ceiling_framework", c))
            db = r.reads.get((DB_CEILING[name], c)) if name in DB_CEILING else None
            lines.append(_row(name, c, s, fw, db))
    lines.append("")

    lines += ["## Flows (100k products)", ""]
    if r.flows:
        lines += ["| flow | clients | completed/s | p50 ms | p99 ms | failed | of framework ceiling |",
                  "|---|---|---|---|---|---|---|"]
        for (name, c), s in sorted(r.flows.items()):
            fw = r.reads.get(("ceiling_framework", c))
            lines.append(f"| {LABELS.get(name, name)} | {c} | {s.fmt('rate')} | {s.fmt('p50_ms', 1)} | "
                         f"{s.fmt('p99_ms', 1)} | {s.errors} | {_ratio(s, fw)} |")
        lines.append("")
    if r.flow_checks:
        lines += [f"- {c}" for c in r.flow_checks] + [""]
    if r.flows_note:
        lines += [r.flows_note, ""]

    scales = sorted({k[0] for k in r.growth}, key=lambda s: {"1k": 0, "100k": 1, "1m": 2}.get(s, 9))
    if scales:
        lines += ["## Growth (16 clients)", "",
                  "| products | list req/s | list p50 ms | list p99 ms | detail req/s | detail p50 ms | detail p99 ms |",
                  "|---|---|---|---|---|---|---|"]
        for scale in scales:
            li, de = r.growth.get((scale, "list", 16)), r.growth.get((scale, "detail", 16))
            cells = []
            for s in (li, de):
                cells += [s.fmt("rate"), s.fmt("p50_ms", 1), s.fmt("p99_ms", 1)] if s else ["-", "-", "-"]
            lines.append(f"| {scale} | " + " | ".join(cells) + " |")
        lines.append("")
        if r.loads:
            lines.append("Data load (COPY): " + ", ".join(
                f"{k} {v:.0f} s" if v else f"{k} reused" for k, v in r.loads.items()))
            lines.append("")

    lines += ["## Kernel", ""]
    if r.kernel_plugins:
        lines += [f"Plugins enabled for these: {', '.join(r.kernel_plugins)}.", ""]
    if r.kernel:
        lines += ["| measure | workers | per second |", "|---|---|---|"]
        for key, label in (("timers", "due timers run (hello.remind)"), ("outbox", "events delivered to a plugin"),
                           ("emit", "events emitted (100 per transaction)")):
            for w in (1, 2):
                s = r.kernel.get(f"{key}_{w}")
                if s is not None:
                    lines.append(f"| {label} | {w if key != 'emit' else '-'} | {s.fmt('rate')} |")
        lines.append("")
    if r.kernel_note:
        lines += [r.kernel_note, ""]
    if r.hooks:
        lines += ["Hook dispatch (bench/hooks.py):", "", "```", r.hooks, "```", ""]

    if r.memory:
        lines += ["## Memory per server worker", "", "| when | VmHWM (peak) MiB per worker | VmRSS MiB per worker |",
                  "|---|---|---|"]
        for when in ("rest", "load"):
            ms = r.memory.get(when) or []
            if ms:
                hwm = ", ".join(f"{m.get('VmHWM', 0) / 1024:.0f}" for m in ms)
                rss = ", ".join(f"{m.get('VmRSS', 0) / 1024:.0f}" for m in ms)
                lines.append(f"| {'at rest (after start)' if when == 'rest' else 'after all load'} | {hwm} | {rss} |")
        lines.append("")
    return "\n".join(lines)
