"""Plain helpers that barely know Django."""
