"""Readers: file → facts. Nothing in this package judges."""
