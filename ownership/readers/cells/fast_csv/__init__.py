"""fast_csv."""
