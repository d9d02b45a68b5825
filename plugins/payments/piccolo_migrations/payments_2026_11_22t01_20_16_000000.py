from bazaar.sdk.services import sql_migration

ID = "2026-11-22T01:20:16:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger balance index; journal entries and postings are immutable"

forwards = sql_migration(
    "payments",
    ID,
    DESCRIPTION,
    [
        "CREATE INDEX IF NOT EXISTS payments_posting_balance ON payments_posting (account, owner, currency)",
    ],
    sqlite=[
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable; post a correcting entry'); END"
        for table in ("payments_entry", "payments_posting")
        for op in ("UPDATE", "DELETE")
    ],
    postgres=[
        "CREATE OR REPLACE FUNCTION payments_immutable() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'ledger entries are immutable; post a correcting entry'; END; $$ LANGUAGE plpgsql",
        *[
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION payments_immutable()"
            for table in ("payments_entry", "payments_posting")
        ],
    ],
)
