"""Deployments as code: which flow runs when, with what parameters, as the admin sees them in the UI."""
