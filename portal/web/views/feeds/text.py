"""Record text as it may appear in a feed: XML-safe, and read as text by every reader.

Whatever the ingest stores, a feed must stay well-formed: `xml_text` is the one function every
feed field goes through (portal.web.views.feeds.items builds nothing else). XML 1.0 allows tab,
line feed, carriage return and the characters from U+0020 up, except the surrogates and U+FFFE,
U+FFFF; lxml refuses everything else ("All strings must be XML compatible") and the feed would
answer 500. Noncharacters (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF of every plane) and the C1
controls are allowed but discouraged (XML 1.0 §2.2), and feed readers choke on them.

Control characters carry nothing a reader could see, so they are dropped; a lone surrogate or a
noncharacter stood for *some* character that was lost on the way, so it becomes U+FFFD (�), the
way a decoder marks what it could not read.

`html_text` and `html_lines` are for the RSS fields that readers take as HTML (`<description>`,
and `<title>`, which feedparser and many readers guess to be HTML): the text escaped as HTML, so
that a record saying `"><img src=x onerror=…>` arrives as those characters, not as an image.
A title keeps its line breaks as they are: a `<br>` in it would be shown as "<br>" by the readers
that take the title as plain text. Atom says `type="text"` instead and needs no escaping.
"""

from __future__ import annotations

import html
import re

# Dropped: C0 controls but tab, LF, CR; DEL; C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Replaced by U+FFFD: lone surrogates, and noncharacters (the 32 of U+FDD0–U+FDEF and the last
# two code points of each of the 17 planes).
_UNREADABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
    + "]"
)
REPLACEMENT = "\ufffd"


def xml_text(value: str) -> str:
    """`value` with every character XML 1.0 forbids or discourages removed or replaced."""
    return _UNREADABLE.sub(REPLACEMENT, _CONTROLS.sub("", value))


def html_text(value: str) -> str:
    """XML-safe `value` as HTML that shows exactly that text (for a one-line field: a title)."""
    return html.escape(xml_text(value), quote=False)


def html_lines(value: str) -> str:
    """`html_text`, its lines separated by `<br>` (for a field read as HTML: a description)."""
    return "<br>\n".join(html_text(value).splitlines())
