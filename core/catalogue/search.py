"""Storefront text search: one interface, one implementation per engine.

A product matches ``q`` when **every term** (whitespace-separated) occurs, case-insensitively,
as a substring of its name or description. Substring matching is what Chinese (and other
unsegmented) text needs: ``连衣`` finds ``红色连衣裙`` on both engines, where a word-based
``to_tsvector('simple', ...)`` would index the whole run of Han characters as one word.

* **SQLite** — an FTS5 table ``catalogue_product_fts`` with the ``trigram`` tokenizer, kept
  in step with ``catalogue_product`` by triggers (a raw-SQL migration). Terms of three or
  more characters go through ``MATCH`` (indexed, ranked by ``bm25``); shorter terms (a
  two-character Chinese word) cannot be trigram-matched and are checked with ``LIKE``.
* **PostgreSQL** — the ``pg_trgm`` extension and a GIN trigram index on
  ``name || ' ' || description``; each term is an ``ILIKE '%term%'`` the index answers,
  ranked by ``similarity`` of the name to the query.

Both add the same "hits" score (2 per term found in the name, 1 in the description), so
results agree across engines and ranking differs only in the engine's similarity part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_TERMS = 8
MAX_TERM_LENGTH = 50


@dataclass(frozen=True)
class SearchSql:
    """SQL fragments (``{}`` placeholders) a list query splices in, with their arguments in order."""

    score: str
    score_args: list[Any] = field(default_factory=list)
    join: str = ""
    join_args: list[Any] = field(default_factory=list)
    where: str = "TRUE"
    where_args: list[Any] = field(default_factory=list)


class TextSearch(Protocol):
    """What the storefront query needs from an engine's full-text search."""

    name: str

    def sql(self, terms: list[str]) -> SearchSql:
        """Fragments that keep products matching every term and score them (higher is better)."""
        ...


def parse_terms(q: str | None) -> list[str]:
    """Whitespace-separated terms of ``q``, de-duplicated, at most 8 of 50 characters each."""
    terms: list[str] = []
    for raw in (q or "").split():
        term = raw[:MAX_TERM_LENGTH]
        if term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards escaped (``ESCAPE '\\'``)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _hits(name_like: str, description_like: str, terms: list[str]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    for term in terms:
        pattern = like_pattern(term)
        parts.append(
            f"(CASE WHEN {name_like} THEN 2 ELSE 0 END + CASE WHEN {description_like} THEN 1 ELSE 0 END)"
        )
        args += [pattern, pattern]
    return " + ".join(parts), args


class Fts5Search:
    """SQLite: FTS5 trigram index for terms of 3+ characters, LIKE for shorter ones."""

    name = "sqlite-fts5-trigram"

    def sql(self, terms: list[str]) -> SearchSql:
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        hits, hit_args = _hits("p.name LIKE {} ESCAPE '\\'", "p.description LIKE {} ESCAPE '\\'", terms)
        where = ["(p.name LIKE {} ESCAPE '\\' OR p.description LIKE {} ESCAPE '\\')" for _ in short_terms]
        where_args: list[Any] = [a for t in short_terms for a in (like_pattern(t), like_pattern(t))]
        if not long_terms:
            return SearchSql(score=f"({hits})", score_args=hit_args, where=" AND ".join(where), where_args=where_args)
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        return SearchSql(
            score=f"({hits} - bm25(catalogue_product_fts, 0.0, 2.0, 1.0))",
            score_args=hit_args,
            join="JOIN catalogue_product_fts ON catalogue_product_fts.product_id = p.id",
            where=" AND ".join(["catalogue_product_fts MATCH {}", *where]),
            where_args=[match, *where_args],
        )


class TrigramSearch:
    """PostgreSQL: ``pg_trgm`` GIN index on name and description, ``ILIKE`` per term."""

    name = "postgresql-pg_trgm"

    def sql(self, terms: list[str]) -> SearchSql:
        hits, hit_args = _hits("p.name ILIKE {} ESCAPE '\\'", "p.description ILIKE {} ESCAPE '\\'", terms)
        where = " AND ".join("(p.name || ' ' || p.description) ILIKE {} ESCAPE '\\'" for _ in terms)
        return SearchSql(
            score=f"({hits} + similarity(p.name, {{}}))",
            score_args=[*hit_args, " ".join(terms)],
            where=where,
            where_args=[like_pattern(t) for t in terms],
        )


def backend(is_sqlite: bool) -> TextSearch:
    """The text search of the engine in use."""
    return Fts5Search() if is_sqlite else TrigramSearch()
