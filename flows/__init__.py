"""Prefect flows, one per stage of the supervision cycle, and the cycle that runs them in order."""
