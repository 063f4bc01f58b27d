"""Events out: registered webhooks, HMAC-signed deliveries retried with back-off, a delivery log."""
