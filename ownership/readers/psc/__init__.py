"""UK Companies House "Persons with Significant Control" snapshots into the ownership model.

``read`` is the family's one entry point; the modules beside it are its parts.
"""

from ownership.readers.psc.reader import read_psc as read

__all__ = ["read"]
