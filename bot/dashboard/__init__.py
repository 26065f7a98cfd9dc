"""The monev web dashboard for a Pemda's LAPOR! admins (docs/dashboard.md); run as `python -m bot.dashboard`."""
