"""The assistant's own processes around Rasa: the gateway with its chat channels, the notifier, the
Rasa launcher, and the local stack with its developer tools (README.md, "Layout")."""
