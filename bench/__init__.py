"""Benchmarks: `make bench`. Figures go to the README; no timing is asserted in tests."""
