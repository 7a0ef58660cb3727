"""Benchmarks (`make bench`): never part of the test suite; results go to BENCHMARKS.md."""
