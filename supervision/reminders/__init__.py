"""Reminders: which unit is told about which task today, and queueing the digests and escalations."""
