"""Inventory: on-hand and reserved stock per SKU, atomic reservations, the movement log."""
