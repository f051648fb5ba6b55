"""Proofshot: capture, hash, timestamp and compare AI-generated images as evidence."""

__version__ = "0.1.0"
APP_NAME = "Proofshot"
