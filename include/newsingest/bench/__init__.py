"""Benchmarks and evaluations: code the ``newsingest bench`` commands run, not part of the product's path."""
