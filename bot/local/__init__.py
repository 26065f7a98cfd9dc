"""The local stack and developer tooling."""
