"""The notifier process: LAPOR's events feed to the followers of each report (service.py), through a
durable delivery queue in Redis (queue.py)."""
