from bazaar.sdk.services import sql_migration

ID = "2026-11-29T03:23:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "one collection per waybill; remittance lines keyed by (remittance, seq); audit is append-only"

forwards = sql_migration(
    "logistics_cod",
    ID,
    DESCRIPTION,
    [
        "CREATE UNIQUE INDEX IF NOT EXISTS logistics_cod_collection_waybill ON logistics_cod_collection "
        "(carrier, waybill) WHERE waybill IS NOT NULL",
        "CREATE UNIQUE INDEX IF NOT EXISTS logistics_cod_line_seq ON logistics_cod_line (remittance_id, seq)",
        "CREATE INDEX IF NOT EXISTS logistics_cod_collection_due ON logistics_cod_collection (state, remit_due_at)",
    ],
    sqlite=[
        f"CREATE TRIGGER IF NOT EXISTS logistics_cod_audit_no_{op.lower()} BEFORE {op} ON logistics_cod_audit "
        "BEGIN SELECT RAISE(ABORT, 'the COD audit is append-only'); END"
        for op in ("UPDATE", "DELETE")
    ],
    postgres=[
        "CREATE OR REPLACE FUNCTION logistics_cod_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the COD audit is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER logistics_cod_audit_append_only BEFORE UPDATE OR DELETE ON logistics_cod_audit "
        "FOR EACH ROW EXECUTE FUNCTION logistics_cod_append_only()",
    ],
)
