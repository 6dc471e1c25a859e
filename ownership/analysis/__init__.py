"""Questions asked of a check, built on the same engine and result: who owns an entity (``owners``), what
changed between two checks and why (``diff``), and what would change a verdict (``whatif``)."""
