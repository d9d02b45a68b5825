from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T03:20:34:971656"
VERSION = "1.38.0"
DESCRIPTION = "qualification_document.file_id: the file in the shared store"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="qualification", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Document",
        tablename="qualification_document",
        column_name="file_id",
        db_column_name="file_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
