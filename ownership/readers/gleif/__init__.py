"""GLEIF Level 1 and Level 2 data (LEI records, relationships, reporting exceptions) into the ownership model.

``read`` is the family's one entry point; the modules beside it are its parts.
"""

from ownership.readers.gleif.reader import read_gleif as read

__all__ = ["read"]
