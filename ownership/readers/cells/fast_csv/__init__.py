"""The columnar reader of a canonical CSV folder: Arrow columns straight into the column tables, for
registries of millions of rows (``reader``), with its parsing (``parse``) and value checks (``values``)."""
