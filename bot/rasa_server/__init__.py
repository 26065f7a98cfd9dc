"""Rasa's server as the assistant runs it: `python -m bot.rasa_server run ...` is `rasa run ...` with
Rasa's profiled hot spots fixed (patches.py) and Redis stores configured from REDIS_URL (stores.py)."""
