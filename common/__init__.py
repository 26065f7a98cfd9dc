"""State and helpers that several processes share: the gateway, the notifier and the action server all
import from here, and this package imports none of them (tests/test_layout.py keeps it so)."""
