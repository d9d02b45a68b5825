"""Category membership of visible products, kept by triggers, for the storefront's subtree lists.

One row per (ancestor-or-own category, visible product) with the product's sort keys, so
"products in this subtree, newest first" (or by price) is one index range in key order,
however large the subtree: a ``category_path LIKE`` scan had to sort every product of the
subtree for each page (see docs/performance.md). Triggers on ``catalogue_product`` keep it
true on every write path (services, bulk loads, category moves, merchant status changes).
"""

from bazaar.core.kernel.migrations import sql_migration

ID = "2026-11-22T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalogue_product_category: subtree membership of visible products"

_ROWS = (
    "SELECT c.id, {p}.id, {p}.created_at, {p}.price_min_minor FROM catalogue_category c "
    "WHERE {p}.visible AND {p}.category_path LIKE '%/' || c.id || '/%'"
)
_INSERT = "INSERT INTO catalogue_product_category (category_id, product_id, created_at, price_min_minor) "

forwards = sql_migration(
    "catalogue",
    ID,
    DESCRIPTION,
    [
        "CREATE TABLE IF NOT EXISTS catalogue_product_category ("
        "category_id VARCHAR(40) NOT NULL, product_id VARCHAR(40) NOT NULL, "
        "created_at TIMESTAMP WITH TIME ZONE NOT NULL, price_min_minor BIGINT NOT NULL, "
        "PRIMARY KEY (category_id, product_id))",
        "CREATE INDEX IF NOT EXISTS catalogue_product_category_new ON catalogue_product_category "
        "(category_id, created_at, product_id)",
        "CREATE INDEX IF NOT EXISTS catalogue_product_category_price ON catalogue_product_category "
        "(category_id, price_min_minor, product_id)",
        "CREATE INDEX IF NOT EXISTS catalogue_product_category_product ON catalogue_product_category (product_id)",
        _INSERT + _ROWS.format(p="p").replace("catalogue_category c", "catalogue_category c, catalogue_product p"),
    ],
    sqlite=[
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_category_insert AFTER INSERT ON catalogue_product BEGIN "
        + _INSERT + _ROWS.format(p="new") + "; END",
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_category_update "
        "AFTER UPDATE OF visible, category_path, price_min_minor, created_at ON catalogue_product BEGIN "
        "DELETE FROM catalogue_product_category WHERE product_id = old.id; "
        + _INSERT + _ROWS.format(p="new") + "; END",
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_category_delete AFTER DELETE ON catalogue_product BEGIN "
        "DELETE FROM catalogue_product_category WHERE product_id = old.id; END",
    ],
    postgres=[
        "CREATE OR REPLACE FUNCTION catalogue_product_category_sync() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN DELETE FROM catalogue_product_category WHERE product_id = OLD.id; END IF; "
        "IF TG_OP <> 'DELETE' THEN " + _INSERT + _ROWS.format(p="NEW") + "; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS catalogue_product_category_write ON catalogue_product",
        "CREATE TRIGGER catalogue_product_category_write AFTER INSERT OR DELETE OR UPDATE OF visible, category_path, "
        "price_min_minor, created_at ON catalogue_product FOR EACH ROW EXECUTE FUNCTION catalogue_product_category_sync()",
    ],
)
