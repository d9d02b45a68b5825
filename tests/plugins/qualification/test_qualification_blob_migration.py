"""The migration that moves KYB blobs out of ``qualification_blob`` into the shared file store,
run on a database holding documents in the old shape (both engines)."""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import pytest
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration
from qualification_helpers import PDF, PNG

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.migrations import migrate
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import build_runtime
from bazaar.plugins.qualification import service
from bazaar.plugins.qualification.errors import DocumentNotFound

#: the plugin's first migration: the shape the blobs were kept in
OLD_SHAPE = "2026-11-22T01:02:17:177608"
MID = "mch_01JD00000000000000000000AA"


async def migrate_to_the_old_shape(rt: Runtime) -> None:
    """Every app migrated, but qualification only up to its first migration (blobs in the database)."""
    await migrate(rt.db, [app for app in rt.apps if app.app_name != "qualification"])
    (app,) = [app for app in rt.apps if app.app_name == "qualification"]
    modules = BaseMigrationManager().get_migration_modules(app.resolved_migrations_folder_path)
    async with rt.db.transaction():
        manager = await modules[OLD_SHAPE].forwards()
        with contextlib.redirect_stdout(io.StringIO()):
            await manager.run()
        await Migration.insert(Migration(name=OLD_SHAPE, app_name="qualification")).run()


async def old_document(rt: Runtime, doc_id: str, filename: str, data: bytes | None, content_type: str) -> None:
    key = f"{MID}/{doc_id}"
    await rt.db.execute(
        "INSERT INTO qualification_document (id, merchant_id, kind, filename, content_type, size_bytes, sha256, "
        "storage_key, uploaded_by, created_at) VALUES ({}, {}, 'business_licence', {}, {}, {}, {}, {}, 'usr_1', {})",
        doc_id, MID, filename, content_type, len(data or b""), hashlib.sha256(data or b"").hexdigest(), key,
        rt.clock.now(),
    )
    if data is not None:
        await rt.db.execute(
            "INSERT INTO qualification_blob (key, content_type, data, created_at) VALUES ({}, {}, {}, {})",
            key, content_type, data, rt.clock.now(),
        )


async def test_blobs_move_into_the_file_store(bazaar_empty_db_url: str, tmp_path: Path) -> None:
    files_dir = tmp_path / "files"
    rt = build_runtime(load_settings(environ={}, overrides={
        "database": {"url": bazaar_empty_db_url}, "files": {"dir": str(files_dir)},
        "plugins": {"enabled": ["qualification"]},
    }))
    await rt.start()
    try:
        await migrate_to_the_old_shape(rt)
        async with rt.unit_of_work():
            await old_document(rt, "doc_01JD00000000000000000000A1", "营业执照.pdf", PDF, "application/pdf")
            await old_document(rt, "doc_01JD00000000000000000000A2", "id.png", PNG, "image/png")
            await old_document(rt, "doc_01JD00000000000000000000A3", "again.pdf", PDF, "application/pdf")
            await old_document(rt, "doc_01JD00000000000000000000A4", "lost.pdf", None, "application/pdf")

        applied = await rt.migrate()

        assert [m for m in applied if m.startswith("qualification:")] == [
            "qualification:2026-11-29T03:20:34:971656", "qualification:2026-11-29T03:20:42:815879"]
        docs = {r["id"][-2:]: r for r in await rt.db.fetch("SELECT * FROM qualification_document")}
        assert "storage_key" not in docs["A1"]
        for name, data in (("A1", PDF), ("A2", PNG), ("A3", PDF)):
            record = await rt.files.get(docs[name]["file_id"])
            assert (record.use, record.owner_id, record.access) == ("qualification.kyb", MID, "owner")
            assert record.filename == docs[name]["filename"] and record.sha256 == hashlib.sha256(data).hexdigest()
            row, content = await service.document_content(rt, MID, docs[name]["id"])
            assert content == data and row["content_type"] == record.content_type
        assert docs["A4"]["file_id"] is None  # its bytes were already missing: still an honest 404
        with pytest.raises(DocumentNotFound):
            await service.document_content(rt, MID, docs["A4"]["id"])
        assert sorted(p.name for p in files_dir.glob("??/??/*")) == sorted(
            {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()})  # the twin PDF is kept once
        with pytest.raises(Exception, match="qualification_blob"):
            await rt.db.fetch("SELECT * FROM qualification_blob")
        assert await rt.migrate() == []
    finally:
        await rt.stop()
