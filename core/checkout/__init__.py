"""Checkout: payment methods, validation, reservation, per-merchant split, totals, hand-off to payment."""
