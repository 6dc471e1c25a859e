"""The fast xlsx path: a byte-level scan of each worksheet (``scan``) into the same raw tables as the
openpyxl path (``fast``)."""
