"""Channel gateways, the console chat, the notifier and the local stack launcher."""
