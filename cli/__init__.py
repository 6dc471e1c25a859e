"""The ``exposure`` command line: parses options, calls ``ownership``, renders, maps errors to exit codes.

Importing it changes nothing in the process: the allocator and thread settings (``cli.tuning``) are applied
by ``cli.app.main`` when the command runs.
"""
