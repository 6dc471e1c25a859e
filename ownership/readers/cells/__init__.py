"""Cells before they mean anything: text and xlsx files as raw tables with located cells, cell values
(percentages, numbers, dates), text decoding, size budgets and the columnar reader of canonical CSV folders.

The format readers (``canonical``, ``ashare``...) build on these; nothing here knows what an entity is.
"""
