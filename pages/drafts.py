"""Drafts: the saved drafts of this database to open, compare and download; a file to save."""

from ui import drafts_page, frame

drafts_page.show()
frame.attribution()
