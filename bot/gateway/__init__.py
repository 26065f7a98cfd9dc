"""The gateway process: every chat channel's inbound side on one aiohttp server, relayed to Rasa."""
