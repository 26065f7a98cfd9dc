"""The action server's custom actions (rasa-sdk loads every module of this package):
the report conversation (report/), what happens after filing (after_filing/), and status (status.py)."""
