"""Personal data: field encryption at rest (with key ids, so keys rotate) and masking."""
