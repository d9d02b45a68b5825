from bazaar.sdk.services import sql_migration

ID = "2026-11-29T03:13:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "tracking dedupe key (carrier, waybill, at, code); one parcel per waybill; ship-by queue index"

forwards = sql_migration(
    "logistics",
    ID,
    DESCRIPTION,
    [
        "CREATE UNIQUE INDEX IF NOT EXISTS logistics_scan_dedupe ON logistics_scan (carrier, waybill, at, code)",
        "CREATE UNIQUE INDEX IF NOT EXISTS logistics_parcel_waybill ON logistics_parcel (carrier, waybill) "
        "WHERE waybill IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS logistics_order_queue ON logistics_order (merchant_id, state, ship_by)",
        "CREATE INDEX IF NOT EXISTS logistics_shipment_order_state ON logistics_shipment (order_id, state)",
    ],
)
