"""The chat channels: for each platform one inbound module (what the platform delivers, turned into an
`Incoming` for the gateway) and one outbound module (an `Outbound`, bot messages rendered and sent),
listed in `registry.py`."""
