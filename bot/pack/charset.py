"""A page's bytes to text by the charset it declares, the way a browser reads it.

The order is the HTML standard's: a byte order mark, then the charset the HTTP answer
declares (when fetching), then the page's own `<meta charset>` or `<meta http-equiv=
"Content-Type">`, else UTF-8. A saved page keeps the encoding it was served in, so a page
in windows-1252 or Shift_JIS is as good as one in UTF-8.

The `<meta>` is found by the standard's prescan: the first `<meta>` outside a comment with a
`charset` attribute, or with `http-equiv="Content-Type"` and a `content` naming a charset;
`charset=` anywhere else (another `<meta>`'s content, an attribute, a comment) is no
declaration. A `<meta>` naming UTF-16 means UTF-8 (bytes that can say so are no UTF-16) and
x-user-defined means windows-1252, as in a browser.

A charset is a label of the WHATWG Encoding Standard (what browsers accept), never a Python
codec name: "unicode_escape" or "idna" would read a page as no browser does. Each label is
read by the encoding the standard gives it, so latin-1 and ASCII are windows-1252, Shift_JIS
is Microsoft's cp932 and EUC-KR is cp949, the wider sets real pages are written in.
"""

from __future__ import annotations

import codecs
import re

# How far into a page its <meta> charset is looked for (the standard says 1024 bytes; a
# saved page may have more before it).
META_BYTES = 4096
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
USER_DEFINED = "x-user-defined"  # no Python codec: decoded here
# The Encoding Standard's encodings, each with the Python codec that reads it and its labels
# (https://encoding.spec.whatwg.org/#names-and-labels). The "replacement" labels (ISO-2022-KR,
# HZ-GB-2312 ...) are left out: a browser shows such a page as one replacement character.
_ENCODINGS: dict[str, tuple[str, ...]] = {
    "utf-8": (
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
    ),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859_2": (
        "csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
        "iso_8859-2:1987", "l2", "latin2",
    ),
    "iso8859_3": (
        "csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
        "iso_8859-3:1988", "l3", "latin3",
    ),
    "iso8859_4": (
        "csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
        "iso_8859-4:1988", "l4", "latin4",
    ),
    "iso8859_5": (
        "csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
        "iso_8859-5", "iso_8859-5:1988",
    ),
    "iso8859_6": (
        "arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
        "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
        "iso_8859-6", "iso_8859-6:1987",
    ),
    "iso8859_7": (
        "csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126",
        "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek",
    ),
    "iso8859_8": (
        "csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138",
        "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual",
        "csiso88598i", "iso-8859-8-i", "logical",
    ),
    "iso8859_10": (
        "csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6",
    ),
    "iso8859_13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859_14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859_15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "iso8859_16": ("iso-8859-16",),
    "koi8_r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8_u": ("koi8-ru", "koi8-u"),
    "mac_roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": (
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
        "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
        "us-ascii", "windows-1252", "x-cp1252",
    ),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": (
        "cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599",
        "iso_8859-9", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254",
    ),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac_cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    # The standard's GBK decoder is its gb18030 decoder.
    "gb18030": (
        "chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk",
        "iso-ir-58", "x-gbk", "gb18030",
    ),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": (
        "csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j",
        "x-sjis",
    ),
    "cp949": (
        "cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
        "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949",
    ),
    "utf-16-be": ("unicodefffe", "utf-16be"),
    "utf-16-le": (
        "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le",
    ),
    USER_DEFINED: (USER_DEFINED,),
}  # fmt: skip
CODECS = {label: codec for codec, labels in _ENCODINGS.items() for label in labels}
# windows-1252 as the standard has it: the five bytes cp1252 leaves undefined are the C1
# controls of the same number, as in latin-1.
_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in b"\x81\x8d\x8f\x90\x9d"
}
_WEB_SPACE = " \t\n\f\r"
_SPACE = frozenset(b" \t\n\f\r")
_QUOTES = frozenset(b"\"'")
_META_START = re.compile(rb"<meta[ \t\n\f\r/]", re.IGNORECASE)
_TAG_START = re.compile(rb"</?[A-Za-z]")
_CONTENT_VALUE = re.compile(r"[^\t\n\f\r ;]+")


class CharsetError(ValueError):
    """Bytes that are not text in the charset they declare; `line` is where it fails."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def page_codec(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The label the page's charset comes from and the codec that reads it."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return "UTF-8" if bom_codec == "utf-8-sig" else "UTF-16", bom_codec
    from_meta = not declared
    if from_meta:
        declared = _meta_charset(data[:META_BYTES])
    if not declared:
        return "UTF-8", "utf-8"
    label = declared.strip(_WEB_SPACE).strip("\"'")
    codec = CODECS.get(label.strip(_WEB_SPACE).lower())
    if codec is None:
        raise CharsetError(f"unknown charset {label!r}")
    if from_meta and codec.startswith("utf-16"):
        return label, "utf-8"
    if from_meta and codec == USER_DEFINED:
        return label, "cp1252"
    return label, codec


def _meta_charset(head: bytes) -> str | None:
    """The charset the page's first `<meta>` declaration names, or None (the HTML standard's
    prescan of a byte stream, https://html.spec.whatwg.org/#prescan-a-byte-stream-to-determine-
    its-encoding, except that an unknown label is returned to be refused, not skipped)."""
    pos, end = 0, len(head)
    while pos < end:
        if head[pos] != ord("<"):
            pos += 1
        elif head.startswith(b"<!--", pos):
            close = head.find(b"-->", pos + 2)  # "<!-->" is a whole comment
            if close < 0:
                return None
            pos = close + 3
        elif _META_START.match(head, pos):
            pos, label = _meta_element(head, pos + 6)
            if label:  # an empty label is no encoding: the scan goes on
                return label
        elif found := _TAG_START.match(head, pos):
            # Another tag: read past its attributes, so a quoted "<meta ...>" in one is none.
            pos = found.end()
            while pos < end and head[pos] not in _SPACE and head[pos] != ord(">"):
                pos += 1
            attribute: tuple[str, str] | None = ("", "")
            while attribute is not None:
                pos, attribute = _attribute(head, pos)
            pos += 1
        elif head.startswith((b"<!", b"</", b"<?"), pos):
            close = head.find(b">", pos + 2)
            if close < 0:
                return None
            pos = close + 1
        else:
            pos += 1
    return None


def _meta_element(head: bytes, pos: int) -> tuple[int, str | None]:
    """Past one `<meta ...>` whose attributes start at `pos`, and the charset it declares."""
    seen: set[str] = set()
    is_content_type = False
    need_pragma: bool | None = None
    charset: str | None = None
    while True:
        pos, attribute = _attribute(head, pos)
        if attribute is None:
            break
        name, value = attribute
        if name in seen:
            continue
        seen.add(name)
        if name == "http-equiv":
            is_content_type = value.lower() == "content-type"
        elif name == "content" and charset is None:
            charset = _content_charset(value)
            if charset is not None:
                need_pragma = True
        elif name == "charset":
            charset, need_pragma = value, False
    if pos >= len(head) or need_pragma is None or (need_pragma and not is_content_type):
        return pos + 1, None  # cut off, no declaration, or a content= without http-equiv
    return pos + 1, charset


def _attribute(head: bytes, pos: int) -> tuple[int, tuple[str, str] | None]:
    """The standard's "get an attribute": (name lower-cased, value), or None at `>` or the end."""
    end = len(head)
    while pos < end and (head[pos] in _SPACE or head[pos] == ord("/")):
        pos += 1
    if pos >= end or head[pos] == ord(">"):
        return pos, None
    name = bytearray()
    value = bytearray()
    while pos < end:
        byte = head[pos]
        if byte == ord("=") and name:
            pos += 1
            break
        if byte in _SPACE:
            while pos < end and head[pos] in _SPACE:
                pos += 1
            if pos >= end or head[pos] != ord("="):
                return pos, (_text(name), "")
            pos += 1
            break
        if byte in b"/>":
            return pos, (_text(name), "")
        name.append(byte)
        pos += 1
    else:
        return pos, None
    while pos < end and head[pos] in _SPACE:
        pos += 1
    if pos >= end:
        return pos, None
    if head[pos] in _QUOTES:
        quote = head[pos]
        close = head.find(bytes([quote]), pos + 1)
        if close < 0:
            return end, None
        return close + 1, (_text(name), head[pos + 1 : close].decode("latin-1"))
    if head[pos] == ord(">"):
        return pos, (_text(name), "")
    while pos < end and head[pos] not in _SPACE and head[pos] != ord(">"):
        value.append(head[pos])
        pos += 1
    return pos, (_text(name), value.decode("latin-1"))


def _content_charset(content: str) -> str | None:
    """The charset in a `content="text/html; charset=..."` (the standard's algorithm)."""
    pos = 0
    while True:
        pos = content.lower().find("charset", pos)
        if pos < 0:
            return None
        pos += len("charset")
        rest = content[pos:].lstrip(_WEB_SPACE)
        if rest.startswith("="):
            break
    rest = rest[1:].lstrip(_WEB_SPACE)
    if rest[:1] in ('"', "'"):
        close = rest.find(rest[0], 1)
        return rest[1:close] if close > 0 else None
    value = _CONTENT_VALUE.match(rest)
    return value.group() if value else None


def _text(raw: bytes | bytearray) -> str:
    return raw.decode("latin-1").lower()


def decode_page(data: bytes, declared: str | None = None) -> str:
    """The page's text; raises CharsetError (one line) for an unknown charset or bad bytes."""
    label, codec = page_codec(data, declared)
    shown = "UTF-8" if codec == "utf-8" else label
    try:
        if codec == USER_DEFINED:
            return "".join(chr(b if b < 0x80 else 0xF700 + b) for b in data)
        if codec == "cp1252":
            return data.decode("latin-1").translate(_WINDOWS_1252)
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if any(data.startswith(bom) for bom, _ in _BOMS):
            # The codec's own words ("truncated data") say nothing a user can act on; the
            # mark says what the file claims to be, and UTF-8 is what it should be saved as.
            before = exc.object[: exc.start].decode(exc.encoding, errors="replace")
            raise CharsetError(
                f"starts with a {label} byte order mark but is not {label} text; "
                "save it again as UTF-8",
                before.count("\n") + 1,
            ) from None
        line = data[: exc.start].count(b"\n") + 1
        raise CharsetError(f"not {shown} text ({exc.reason})", line) from None
    except (UnicodeError, LookupError, ValueError) as exc:
        raise CharsetError(f"not {shown} text ({exc})") from None
