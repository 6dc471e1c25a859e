"""The ``exposure`` command line: parses options, calls ``ownership``, renders, maps errors to exit codes."""

from cli.tuning import tune

tune()
