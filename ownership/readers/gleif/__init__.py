"""gleif."""
