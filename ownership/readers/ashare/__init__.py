"""ashare."""
