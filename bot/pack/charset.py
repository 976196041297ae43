"""A page's bytes to text by the charset it declares, the way a browser reads it.

The order is the HTML standard's: a byte order mark, then the charset the HTTP answer
declares (when fetching), then the page's own `<meta charset>` or `<meta http-equiv=
"Content-Type">`, else UTF-8. A saved page keeps the encoding it was served in, so a page
in windows-1252 or Shift_JIS is as good as one in UTF-8.
"""

from __future__ import annotations

import codecs
import re

# How far into a page its <meta> charset is looked for (the standard says 1024 bytes; a
# saved page may have more before it).
META_BYTES = 4096
_META = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels browsers read as a wider encoding than Python's codec of the same name (the WHATWG
# Encoding Standard): a page labelled latin-1 or Shift_JIS uses the wider one's characters.
_WIDER = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "shift_jis": "cp932",
    "gb2312": "gbk",
    "euc_kr": "cp949",
}
_ALIASES = {"x-sjis": "cp932", "windows-31j": "cp932", "x-cp1252": "cp1252"}


class CharsetError(ValueError):
    """Bytes that are not text in the charset they declare; `line` is where it fails."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def page_codec(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The label the page's charset comes from and the codec that reads it."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return "UTF-8" if codec == "utf-8-sig" else "UTF-16", codec
    if not declared:
        found = _META.search(data[:META_BYTES])
        declared = found.group(1).decode("ascii") if found else None
    if not declared:
        return "UTF-8", "utf-8"
    label = declared.strip().strip("\"'")
    name = _ALIASES.get(label.lower(), label)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        raise CharsetError(f"unknown charset {label!r}") from None
    return label, _WIDER.get(name, name)


def decode_page(data: bytes, declared: str | None = None) -> str:
    """The page's text; raises CharsetError (one line) for an unknown charset or bad bytes."""
    label, codec = page_codec(data, declared)
    try:
        return data.decode(codec)
    except LookupError:  # a codec that is no text encoding ("base64", "rot13")
        raise CharsetError(f"unknown charset {label!r}") from None
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if codec == "utf-8" else label
        line = data[: exc.start].count(b"\n") + 1
        raise CharsetError(f"not {shown} text ({exc.reason})", line) from None
