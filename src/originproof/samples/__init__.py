"""Realistic sample evidence, generated in code (demo, tests, evaluation corpus). Nothing is downloaded."""
