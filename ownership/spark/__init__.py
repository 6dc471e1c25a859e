"""The check on Apache Spark (PySpark), for ownership graphs that no single machine holds.

A second implementation of the engine behind the same ``check``: the data is a folder of the canonical
``entities`` and ``holdings`` tables (Parquet or CSV, as ``exposure convert INPUT -o FOLDER/`` writes them;
any URI Spark reads), the figures are computed with DataFrame joins, and the small parts that need exact
linear algebra (cross-holdings) are collected to the driver and solved by the in-memory engine. Every rule
that is not an algorithm over the graph (who is home, over-allocation, the status) is decided by the same
library function the in-memory pipeline calls.

* ``session``: the Spark session, and importing PySpark (an optional extra: ``pip install 'exposure[spark]'``);
* ``tables``: reading the folder, with its columns checked;
* ``prepare``: holdings in force, merged and weighted, remainders, home and unknown-country marks;
* ``cascade``: the least fixpoint by semi-naive iterated joins;
* ``lookthrough``: layered propagation, and the cyclic core solved on the driver;
* ``components``, ``grouped``: each party alone and declared indirect interests, by weakly connected
  components packed into buckets, each bucket checked by the in-memory engine on an executor;
* ``check``: the whole check, the per-entity table and the summary document;
* ``__main__``: the entry point for ``spark-submit``.

Nothing here imports PySpark at import time.
"""
