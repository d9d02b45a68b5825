"""Fast data seeding for tests: categories, products and SKUs written directly.

``await seed.category(kit.runtime, "Food", licence_kind="food")`` and
``await seed.product(kit.runtime, merchant_id, prices=[1999, 2999], stock=[5, 0])``.
"""

from bazaar.core.catalogue.bulk import category, product

__all__ = ["category", "product"]
