"""The link a page shows to copy (ui.text.link_box: a title, then the link as a code span)."""

from __future__ import annotations

import re

_CODE_SPAN = re.compile(r"(`+) (.*) \1", re.DOTALL)


def shown_link(block, title: str) -> str:
    """The link under ``title`` in ``block`` (an AppTest, its sidebar or main block)."""
    value = next(m.value for m in block.markdown if m.value.startswith(f"**{title}**"))
    return _CODE_SPAN.search(value).group(2)
