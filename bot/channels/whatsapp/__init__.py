"""WhatsApp Cloud API: the webhook in (inbound.py), messages out (outbound.py), the Graph API client
(graph.py)."""
