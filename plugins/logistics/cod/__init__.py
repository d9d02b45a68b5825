"""COD (placeholder while building)."""
from bazaar.sdk.plugin import Plugin

plugin = Plugin(id="logistics.cod", version="1.0.0", summary="x", requires=("logistics",), piccolo_app="bazaar.plugins.logistics.cod.piccolo_app")
