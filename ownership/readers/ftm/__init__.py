"""FollowTheMoney entities (OpenSanctions, Aleph) into the ownership model.

``read`` is the family's one entry point; the modules beside it are its parts.
"""

from ownership.readers.ftm.reader import read_ftm as read

__all__ = ["read"]
