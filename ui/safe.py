"""Showing text that came from a user (unit names, indicator names, file names, link values).

Streamlit renders titles, headers, captions, alerts, metric and widget labels as Markdown, and
Plotly interprets a few HTML tags in chart text. A name such as ``![x](http://host/a.png)``
would load a remote image; ``<a href=...>`` would become a link. So user text is escaped for
the place it goes: ``md`` for Markdown, ``plain`` for Plotly. Tables (``st.dataframe``) show
text as it is and need neither.

Escaping is not enough for GitHub-flavoured Markdown's *literal autolinks*: ``www.x.y``,
``http(s)://…``, e-mail addresses and ``mailto:``/``xmpp:`` become links after the text has
been parsed (remark-gfm finds them in the decoded text), so backslashes and entities do not
stop them. ``md`` therefore also puts an invisible WORD JOINER (U+2060) inside each of those
patterns: after ``www``, between ``:`` and ``//``, and before ``@``. The text looks the same
and nothing in it can form a link.
"""

from __future__ import annotations

import re

# Characters with a meaning in (GitHub-flavoured) Markdown or Streamlit's extensions ($ = LaTeX,
# : = emoji/icon shortcodes).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")


# Where GFM literal autolinks start: "www.", "scheme:" before "//", and the "@" of an address.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` as literal characters inside Markdown: tags become entities, specials are
    escaped and literal autolinks are broken (see the module docstring)."""
    s = _AUTOLINK.sub(WORD_JOINER, str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def plain(text: object) -> str:
    """``text`` for Plotly labels, hover and titles: ``<``, ``>`` and ``&`` as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
