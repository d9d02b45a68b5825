"""The commerce core's CLI sub-commands (``bazaar users``, ``bazaar demo``)."""
