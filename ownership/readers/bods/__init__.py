"""bods."""
