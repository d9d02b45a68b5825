from bazaar.core.kernel.migrations import sql_migration

ID = "2026-11-22T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "storefront list indexes, SKU code per product, full-text search per engine"

forwards = sql_migration(
    "catalogue",
    ID,
    DESCRIPTION,
    [
        # storefront list shapes: newest, category subtree + newest, price
        "CREATE INDEX IF NOT EXISTS catalogue_product_visible_new ON catalogue_product (visible, created_at, id)",
        "CREATE INDEX IF NOT EXISTS catalogue_product_visible_cat ON catalogue_product "
        "(visible, category_path, created_at, id)",
        "CREATE INDEX IF NOT EXISTS catalogue_product_visible_price ON catalogue_product "
        "(visible, price_min_minor, id)",
        "CREATE INDEX IF NOT EXISTS catalogue_product_visible_merchant ON catalogue_product "
        "(merchant_id, visible, created_at, id)",
        # the merchant's own list
        "CREATE INDEX IF NOT EXISTS catalogue_product_merchant_new ON catalogue_product "
        "(merchant_id, created_at, id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS catalogue_sku_product_code ON catalogue_sku (product_id, code)",
        "CREATE INDEX IF NOT EXISTS catalogue_status_change_product_at ON catalogue_product_status_change "
        "(product_id, at, id)",
        "CREATE INDEX IF NOT EXISTS catalogue_category_parent_position ON catalogue_category (parent_id, position)",
    ],
    sqlite=[
        "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_product_fts USING fts5("
        "product_id UNINDEXED, name, description, tokenize = 'trigram')",
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_fts_insert AFTER INSERT ON catalogue_product BEGIN "
        "INSERT INTO catalogue_product_fts (product_id, name, description) "
        "VALUES (new.id, new.name, new.description); END",
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_fts_update AFTER UPDATE OF name, description "
        "ON catalogue_product BEGIN "
        "DELETE FROM catalogue_product_fts WHERE product_id = old.id; "
        "INSERT INTO catalogue_product_fts (product_id, name, description) "
        "VALUES (new.id, new.name, new.description); END",
        "CREATE TRIGGER IF NOT EXISTS catalogue_product_fts_delete AFTER DELETE ON catalogue_product BEGIN "
        "DELETE FROM catalogue_product_fts WHERE product_id = old.id; END",
    ],
    postgres=[
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX IF NOT EXISTS catalogue_product_search_trgm ON catalogue_product "
        "USING gin ((name || ' ' || description) gin_trgm_ops)",
    ],
)
