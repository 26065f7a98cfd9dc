"""Attacks on the running assistant, each a test: they failed on main @ 1e0d228 and pass now."""
