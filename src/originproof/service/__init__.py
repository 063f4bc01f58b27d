"""Distributed execution: the same check function run by Celery workers (Redis or RabbitMQ broker)."""
