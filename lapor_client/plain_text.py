"""What the client sends to LAPOR as text is plain text: no HTML, no control characters.

Citizens' words go to LAPOR's web pages, where an agency officer reads them; `<script>` or
`<img onerror=…>` in a title, or CR/LF in a file name (header injection in a multipart part), must never
arrive there. Tags are removed (a script's or style's content with it), entities are left as typed
(they are text, and LAPOR escapes what it shows), control characters are dropped. Letters styled only
by their width or typeface are folded first, to the plain character NFKC maps them to ("ｊａｌａｎ" and
"𝐣𝐚𝐥𝐚𝐧" are "jalan" to LAPOR's search and to an officer, and "＜script＞" a tag); NFKC's other folds
change what was written ("m²" "m2", "…" "...") or an emoji ("ℹ️" "i"), and lengthen the text past
LAPOR's limits, so they are not made.
"""

from __future__ import annotations

import re
import unicodedata

_SCRIPT = re.compile(r"<\s*(script|style)\b[^>]*>.*?(<\s*/\s*\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"</?\s*[a-zA-Z!][^<>]*>")
_SPACES = re.compile(r"[ \t]+")
_STYLES = ("<wide>", "<narrow>", "<font>", "<noBreak>")  # Unicode's tags of a mere styling of a character
_AS_EMOJI = "\ufe0f"  # the variation selector that draws the character before it as an emoji ("ℹ️")


def _plain_letter(ch: str, then: str) -> str:
    tag, *codes = unicodedata.decomposition(ch).split() or [""]
    if tag in _STYLES and len(codes) == 1 and then != _AS_EMOJI:
        return chr(int(codes[0], 16))
    return ch


def _folded(text: str) -> str:
    """Each character styled by width or typeface as the plain one: the text keeps its length."""
    return "".join(_plain_letter(ch, text[i + 1 : i + 2]) for i, ch in enumerate(text))


def _without_controls(text: str, keep_newlines: bool) -> str:
    kept = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            kept.append(ch)
        elif ch in "\t\r\n":
            kept.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200d":  # ZWJ joins emoji
            kept.append(ch)
    return "".join(kept)


def plain(text: str | None, *, multiline: bool = True) -> str:
    """`text` without tags and control characters; one line unless `multiline`."""
    if not text:
        return ""
    text = _TAG.sub("", _SCRIPT.sub("", _folded(text).replace("\r\n", "\n")))
    text = _without_controls(text, keep_newlines=multiline)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def file_name(name: str | None) -> str:
    """A file name as LAPOR shows it: one line, no tags, no directories."""
    base = plain(name, multiline=False).replace("\\", "/").rsplit("/", 1)[-1]
    return base.replace('"', "'").strip(" .") or "lampiran"
