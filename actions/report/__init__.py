"""The report conversation: one form for pengaduan, aspirasi and permintaan informasi (form.py, its
questions in questions.py), from the opening message (start.py) to the outbox (submission.py)."""
