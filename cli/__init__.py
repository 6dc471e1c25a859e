"""The ``exposure`` command line: parses options, calls ``ownership``, renders, maps errors to exit codes."""

import os

# The engine's only dense linear algebra is the LU factorisation of small cross-holding groups, far too
# small for BLAS threads to pay off; idle OpenBLAS threads spin instead, and on a 2-core machine they took
# about 0.25 s of CPU from a 1M-entity check. Set before numpy and scipy load OpenBLAS; a value the user
# set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
