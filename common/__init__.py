"""State and helpers that several processes share."""
