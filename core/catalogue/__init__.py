"""Catalogue: categories (a tree), products with variants (SKUs), listing lifecycle, storefront search."""
