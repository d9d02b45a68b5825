"""KYB blobs move from ``qualification_blob`` into the kernel's shared file store.

Each document's bytes are put under the use ``qualification.kyb`` (owner: the merchant),
the document keeps the new ``file_id``; then the blob table and ``storage_key`` go.
The bytes are stored before this migration's transaction commits; if it rolls back,
the file store's purge sweeps them.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from bazaar.sdk.files import CONTENT_TYPES, FileRules, migration_files

ID = "2026-11-29T03:20:42:815879"
VERSION = "1.38.0"
DESCRIPTION = "move KYB blobs into the shared file store"

#: every blob passed the upload checks of its day; bytes of no recognised type stay octet-stream
MOVE_RULES = FileRules(max_bytes=2**40, content_types=CONTENT_TYPES)


async def move_blobs() -> None:
    engine = engine_finder()
    assert engine is not None
    rows = await engine.run_querystring(QueryString(
        "SELECT d.id, d.merchant_id, d.filename, b.data FROM qualification_document d "
        "JOIN qualification_blob b ON b.key = d.storage_key ORDER BY d.id"
    ))
    if not rows:
        return
    files = migration_files()
    for row in rows:
        data = bytes(row["data"] or b"")
        if not data:
            continue
        stored = await files.put(
            "qualification.kyb", MOVE_RULES, data, filename=row["filename"], owner_id=row["merchant_id"],
            subject=f"merchant:{row['merchant_id']}", access="owner",
        )
        await engine.run_querystring(QueryString(
            "UPDATE qualification_document SET file_id = {}, content_type = {}, size_bytes = {}, sha256 = {} "
            "WHERE id = {}",
            stored.id, stored.content_type, stored.size, stored.sha256, row["id"],
        ))


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="qualification", description=DESCRIPTION
    )

    manager.add_raw(move_blobs)  # raw steps run before the drops below

    manager.drop_table(
        class_name="Blob", tablename="qualification_blob", schema=None
    )

    manager.drop_column(
        table_class_name="Document",
        tablename="qualification_document",
        column_name="storage_key",
        db_column_name="storage_key",
        schema=None,
    )

    return manager
