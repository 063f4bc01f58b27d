"""Outbound connections the service makes on someone else's say-so (listing fetches, webhook
deliveries): which addresses they may reach, and a connection pinned to the one address checked."""
