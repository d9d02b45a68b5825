"""The plugin's id and the policy values in force (resolved from its config)."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.reviews import policy
from bazaar.sdk.runtime import PluginRuntime

PLUGIN = "reviews"
#: the file-store use of review photos
PHOTO_USE = "reviews.photo"


def values(rt: PluginRuntime) -> dict[str, Any]:
    """Every policy key's value in force (cheap: a dozen keys resolved from the frozen config)."""
    return policy.effective(rt.plugin_config(PLUGIN))
