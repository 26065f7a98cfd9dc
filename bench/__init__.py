"""Benchmarks of the assistant: simulated citizens against our stack and stock Rasa (see README.md)."""
