"""Category rules: the tree (materialised ``path``), create, rename, move, flags.

``path`` is ``/root_id/.../own_id/``; products copy their category's path into
``category_path`` so a subtree filter is one ``LIKE 'prefix%'``. Moving a category
rewrites the paths of its subtree and of the products in it, in one transaction.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.core.catalogue.schemas import CategoryCreate, CategoryOut, CategoryPatch
from bazaar.core.kernel.http import check_id
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed

MAX_DEPTH = 8


def subtree_pattern(path: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern for ``path`` and everything below it."""
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _out(row: dict[str, Any]) -> CategoryOut:
    ids = [p for p in row["path"].split("/") if p]
    return CategoryOut(
        id=row["id"],
        parent_id=row["parent_id"],
        name=row["name"],
        slug=row["slug"],
        path=ids,
        depth=len(ids) - 1,
        position=row["position"],
        licence_kind=row["licence_kind"],
        no_reason_return_excluded=bool(row["no_reason_return_excluded"]),
    )


async def load(rt: Runtime, category_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM catalogue_category WHERE id = {}", category_id)
    if row is None:
        raise NotFound("no such category", code="category_not_found")
    return row


async def referenced(rt: Runtime, category_id: str, field: str) -> dict[str, Any]:
    """The category a request body names, or ``422 unknown_category`` naming the field."""
    check_id(category_id, "cat", field)
    row = await rt.db.fetchrow("SELECT * FROM catalogue_category WHERE id = {}", category_id)
    if row is None:
        raise ValidationFailed(
            "no such category", code="unknown_category",
            errors=[FieldProblem(field=field, reason="no such category", value=category_id)],
        )
    return row


async def tree(rt: Runtime) -> list[CategoryOut]:
    """Every category, parents before children, siblings by position then name."""
    rows = await rt.db.fetch("SELECT * FROM catalogue_category")
    by_id = {r["id"]: r for r in rows}

    def key(row: dict[str, Any]) -> list[tuple[int, str, str]]:
        ids = [p for p in row["path"].split("/") if p]
        return [(by_id[i]["position"], by_id[i]["name"], i) for i in ids if i in by_id]

    return [_out(r) for r in sorted(rows, key=key)]


def _depth_problem(depth: int) -> ValidationFailed:
    return ValidationFailed(
        f"categories nest at most {MAX_DEPTH} deep", code="category_too_deep",
        errors=[FieldProblem(field="parent_id", reason=f"at most {MAX_DEPTH} levels")],
    )


async def _slug_free(rt: Runtime, slug: str, but: str | None = None) -> None:
    row = await rt.db.fetchrow("SELECT id FROM catalogue_category WHERE slug = {}", slug)
    if row is not None and row["id"] != but:
        raise Conflict("another category has this slug", code="slug_taken",
                       errors=[FieldProblem(field="slug", reason="already used", value=slug)])


async def create(rt: Runtime, data: CategoryCreate) -> CategoryOut:
    """Add a category under ``parent_id`` (or as a root)."""
    category_id = new_id("cat")
    async with rt.unit_of_work():
        parent_path = "/"
        if data.parent_id is not None:
            parent_path = (await referenced(rt, data.parent_id, "parent_id"))["path"]
        if parent_path.count("/") - 1 >= MAX_DEPTH:
            raise _depth_problem(MAX_DEPTH)
        await _slug_free(rt, data.slug)
        await rt.db.execute(
            "INSERT INTO catalogue_category (id, parent_id, name, slug, path, position, licence_kind, "
            "no_reason_return_excluded, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
            category_id, data.parent_id, data.name.strip(), data.slug, f"{parent_path}{category_id}/",
            data.position, data.licence_kind, data.no_reason_return_excluded, rt.clock.now(),
        )
        return _out(await load(rt, category_id))


async def patch(rt: Runtime, category_id: str, data: CategoryPatch) -> CategoryOut:
    """Rename, re-flag or move a category; a move carries its subtree and products along."""
    async with rt.unit_of_work():
        row = await load(rt, category_id)
        changes: dict[str, Any] = {}
        for name in ("name", "slug", "position", "licence_kind", "no_reason_return_excluded"):
            value = getattr(data, name)
            if value is not msgspec.UNSET:
                changes[name] = value.strip() if name == "name" else value
        if "slug" in changes:
            await _slug_free(rt, changes["slug"], but=category_id)
        if changes:
            sets = ", ".join(f"{k} = {{}}" for k in changes)
            await rt.db.execute(f"UPDATE catalogue_category SET {sets} WHERE id = {{}}", *changes.values(), category_id)
        if data.parent_id is not msgspec.UNSET and data.parent_id != row["parent_id"]:
            await _move(rt, row, data.parent_id)
        return _out(await load(rt, category_id))


async def _move(rt: Runtime, row: dict[str, Any], parent_id: str | None) -> None:
    old_path = row["path"]
    parent_path = "/"
    if parent_id is not None:
        parent_path = (await referenced(rt, parent_id, "parent_id"))["path"]
        if parent_path.startswith(old_path):
            raise Conflict("a category cannot move under itself or its own subtree", code="category_cycle")
    new_path = f"{parent_path}{row['id']}/"
    deepest = await rt.db.fetch("SELECT path FROM catalogue_category WHERE path LIKE {} ESCAPE '\\'", subtree_pattern(old_path))
    below = max(p["path"].count("/") for p in deepest) - old_path.count("/")
    if new_path.count("/") - 1 + below > MAX_DEPTH:
        raise _depth_problem(MAX_DEPTH)
    cut = len(old_path) + 1
    await rt.db.execute("UPDATE catalogue_category SET parent_id = {} WHERE id = {}", parent_id, row["id"])
    await rt.db.execute(
        "UPDATE catalogue_category SET path = {} || substr(path, {}) WHERE path LIKE {} ESCAPE '\\'",
        new_path, cut, subtree_pattern(old_path),
    )
    await rt.db.execute(
        "UPDATE catalogue_product SET category_path = {} || substr(category_path, {}) WHERE category_path LIKE {} ESCAPE '\\'",
        new_path, cut, subtree_pattern(old_path),
    )
