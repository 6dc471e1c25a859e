"""China A-share top-10 shareholder tables (Tushare Pro ``top10_holders``) into the ownership model.

``read`` is the family's one entry point; the modules beside it are its parts.
"""

from ownership.readers.ashare.reader import read_ashare as read

__all__ = ["read"]
