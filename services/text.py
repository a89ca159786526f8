"""Text that came from a user, a file or a link, made inert for Markdown.

Streamlit renders every caption, warning, error, toast and spinner as Markdown with GitHub
autolinks, raw HTML, LaTeX, emoji shortcodes and its own directives (``:red[...]``,
``:material/...:``). Backslash escapes are not enough: the autolink and emoji plugins run on the
parsed text, after escapes are gone, so ``http\\://phish%EF%BC%8Eexample`` still became a link.
A code span is the one Markdown construct whose content no plugin reads, so foreign text is shown
as one, exactly as typed; invisible characters (controls, bidi overrides, line separators) are
shown as ``\\uXXXX`` so they can neither break the span nor disguise the text. Streamlit's
browser code also rewrites ``:material/`` to ``:material_`` in the raw string, even inside code,
so a word joiner (U+2060, invisible) is put after that colon to keep the text as typed.
Templates are ours; only the values are foreign: :func:`fill` is the one way to join them.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest foreign value shown in one message; longer ones are cut and their length given.
SHOWN_MAX_CHARS = 200
_INVISIBLE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))
_BACKTICKS = re.compile(r"`+")
WORD_JOINER = "\u2060"


def visible(text: str) -> str:
    """``text`` with every invisible or layout-changing character written as ``\\uXXXX``."""
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in _INVISIBLE else char
                   for char in text)


def printable(text: str) -> str:
    """``text`` for a terminal (the CLI's tables): line breaks kept, every other invisible
    character shown, so a name holding an ANSI escape (``\\x1b[2J``) cannot drive the terminal."""
    return "\n".join(visible(line) for line in text.split("\n"))


def shorten(text: str, max_chars: int = SHOWN_MAX_CHARS) -> str:
    """At most ``max_chars`` characters of ``text``, saying how long it was when cut."""
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}… ({len(text):,} characters)"


def inert(value: object, max_chars: int = SHOWN_MAX_CHARS) -> str:
    """Markdown showing ``str(value)`` literally (a code span): no link, HTML, LaTeX, emoji or
    directive in it is active. Long values are cut to ``max_chars``."""
    text = visible(shorten(str(value), max_chars)).replace(":material/",
                                                           f":{WORD_JOINER}material/")
    if not text:
        return "(empty)"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence} {text} {fence}"  # one space each side is stripped by CommonMark


def fill(template: str, *values: object) -> str:
    """Our Markdown ``template`` with each ``{}`` replaced by an inert foreign value."""
    parts = template.split("{}")
    if len(parts) != len(values) + 1:
        raise ValueError(f"template has {len(parts) - 1} slots for {len(values)} values")
    return "".join(part + (inert(value) if i < len(values) else "")
                   for i, (part, value) in enumerate(zip(parts, [*values, None], strict=True)))
