"""The monev web dashboard for a Pemda's LAPOR! admins (docs/dashboard.md): `python -m bot.dashboard`."""
