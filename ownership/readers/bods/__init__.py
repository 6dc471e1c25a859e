"""Open Ownership's Beneficial Ownership Data Standard (BODS 0.1-0.4) into the ownership model.

``read`` is the family's one entry point; the modules beside it are its parts.
"""

from ownership.readers.bods.reader import read_bods as read

__all__ = ["read"]
