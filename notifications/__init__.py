"""Notifications: rendering a message per channel, the outbox, and the one function that sends."""
