"""A LAPOR sandbox: the contract's API over real HTTP, with admin calls and fault switches for tests and
demos.

Run with `python -m lapor_client.sandbox --host 127.0.0.1 --port 8090`; play the LAPOR admin and the
agency with `python -m lapor_client.sandbox.admin`.
"""
