from bazaar.sdk.services import sql_migration

ID = "2026-11-29T03:15:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "keyset indexes for the storefront list and its filters, the store and buyer lists"

forwards = sql_migration(
    "reviews",
    ID,
    DESCRIPTION,
    [
        "CREATE INDEX IF NOT EXISTS reviews_review_product ON reviews_review (product_id, kind, created_at, id)",
        "CREATE INDEX IF NOT EXISTS reviews_review_rating "
        "ON reviews_review (product_id, kind, rating, created_at, id)",
        "CREATE INDEX IF NOT EXISTS reviews_review_photos "
        "ON reviews_review (product_id, kind, has_photos, created_at, id)",
        "CREATE INDEX IF NOT EXISTS reviews_review_merchant ON reviews_review (merchant_id, kind, created_at, id)",
        "CREATE INDEX IF NOT EXISTS reviews_review_customer ON reviews_review (customer_id, kind, created_at, id)",
        "CREATE INDEX IF NOT EXISTS reviews_review_line ON reviews_review (line_id, kind)",
        "CREATE INDEX IF NOT EXISTS reviews_signal_staff ON reviews_signal (kind, merchant_id, customer_id)",
    ],
)
