"""bot/pack/charset.py: web charset labels (the WHATWG Encoding Standard), not Python codec names."""

from __future__ import annotations

import pytest

from bot.pack.charset import CharsetError, decode_page, page_codec

CAFE = "café"


def _meta(label: str, text: str = CAFE, codec: str = "utf-8") -> bytes:
    return f'<meta charset="{label}"><p>{text}</p>'.encode(codec)


@pytest.mark.parametrize(
    ("label", "codec", "text"),
    [
        ("unicode-1-1-utf-8", "utf-8", CAFE),
        ("UTF8", "utf-8", CAFE),
        (" utf-8 ", "utf-8", CAFE),
        ("latin1", "cp1252", "Japan\u2019s"),
        ("us-ascii", "cp1252", "Japan\u2019s"),
        ("iso-8859-1", "cp1252", "Japan\u2019s"),
        ("iso-8859-2", "iso8859_2", "Łódź"),
        ("iso-8859-15", "iso8859_15", "€uro"),
        ("windows-1251", "cp1251", "Москва"),
        ("koi8-r", "koi8_r", "Москва"),
        ("sjis", "cp932", "外務省"),
        ("shift_jis", "cp932", "外務省"),
        ("euc-jp", "euc_jp", "外務省"),
        ("iso-2022-jp", "iso2022_jp", "外務省"),
        ("gb2312", "gb18030", "外交"),
        ("big5", "big5hkscs", "外交"),
        ("euc-kr", "cp949", "외교부"),
    ],
)
def test_a_web_label_reads_the_page_as_a_browser_does(label, codec, text):
    assert f"<p>{text}</p>" in decode_page(_meta(label, text, codec))


def test_a_windows_1252_byte_python_leaves_undefined_is_read_as_browsers_do():
    # 0x81, 0x8D, 0x8F, 0x90, 0x9D: C1 controls in the Encoding Standard, an error in cp1252.
    assert (
        decode_page(b"<meta charset=latin1>\x80\x81\x9d") == "<meta charset=latin1>\u20ac\x81\x9d"
    )


def test_x_user_defined_maps_high_bytes_to_the_private_use_area():
    assert decode_page(b"a\x80\xff", "x-user-defined") == "a\uf780\uf7ff"


@pytest.mark.parametrize(
    "label", ["unicode_escape", "utf-7", "idna", "rot13", "base64", "undefined", "latin_1", "u8"]
)
def test_a_python_codec_name_that_is_no_web_label_is_an_unknown_charset(label):
    with pytest.raises(CharsetError, match=f"^unknown charset '{label}'$"):
        decode_page(_meta(label, "C:\\new"))
    with pytest.raises(CharsetError, match=f"^unknown charset '{label}'$"):
        page_codec(b"C:\\new", label)


def test_a_decode_that_fails_in_any_way_is_a_charset_error():
    with pytest.raises(CharsetError, match=r"^not iso-2022-jp text \("):
        decode_page(b"<meta charset=iso-2022-jp>\x1b$B\xff\xff")


@pytest.mark.parametrize(
    ("page", "codec"),
    [
        # charset= in another <meta>'s content is no declaration (no http-equiv).
        (
            '<meta name="description" content="pages in charset=koi8-r">'
            '<meta charset="utf-8"><p>café</p>',
            "utf-8",
        ),
        ('<!-- <meta charset="shift_jis"> --><meta charset="utf-8"><p>café</p>', "utf-8"),
        ('<!-- <meta charset="shift_jis"> --><p>café</p>', "utf-8"),
        ('<p title="<meta charset=shift_jis>">café</p>', "utf-8"),
        ('<META HTTP-EQUIV="content-type" CONTENT="text/html; Charset=\'koi8-r\'">', "koi8_r"),
        ('<meta content="text/html; charset=koi8-r" http-equiv=Content-Type>', "koi8_r"),
        ("<meta charset=koi8-r><meta charset=utf-8>", "koi8_r"),  # the first one wins
        ('<meta charset="utf-8" http-equiv="Content-Type" content="charset=koi8-r">', "utf-8"),
        ("<meta/charset=koi8-r>", "koi8_r"),
        ("<metadata charset=koi8-r>", "utf-8"),
        ("<p>café</p><meta charset=koi8-r", "utf-8"),  # cut off: no declaration
        ('<meta charset=""><meta charset=koi8-r>', "koi8_r"),
    ],
    ids=[
        "other-meta-content",
        "commented-out",
        "only-commented-out",
        "in-an-attribute",
        "http-equiv-upper-case",
        "http-equiv-after-content",
        "first-wins",
        "charset-before-content",
        "slash",
        "not-meta",
        "cut-off",
        "empty-then-one",
    ],
)
def test_only_a_meta_declaration_outside_comments_names_the_charset(page, codec):
    assert page_codec(page.encode())[1] == codec


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-16be", "unicode"])
def test_a_meta_naming_utf16_means_utf8(label):
    # An ASCII-compatible page cannot say it is in UTF-16; the HTML standard reads it as UTF-8.
    page = f'<meta charset="{label}"><p>café</p>'.encode()
    assert decode_page(page) == page.decode("utf-8")
    http_equiv = f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    assert page_codec(http_equiv.encode())[1] == "utf-8"


def test_an_http_header_naming_utf16_is_utf16():
    assert decode_page("<p>café</p>".encode("utf-16-le"), "utf-16") == "<p>café</p>"
    assert decode_page("<p>café</p>".encode("utf-16-be"), "utf-16be") == "<p>café</p>"


def test_x_user_defined_in_a_meta_is_windows_1252():
    assert decode_page(b"<meta charset=x-user-defined>\x80") == "<meta charset=x-user-defined>€"


@pytest.mark.parametrize(
    ("data", "label", "line"),
    [
        # Odd length: the codec's words were "truncated data".
        (b"\xff\xfeC\x00\n\x00h\x00\n\x00x", "UTF-16", 3),
        # A lone surrogate, big-endian.
        (b"\xfe\xff\x00C\x00\n\xd8\x00\x00x", "UTF-16", 2),
        (b"\xef\xbb\xbfab\n\x92", "UTF-8", 2),
    ],
    ids=["utf-16-truncated", "utf-16-surrogate", "utf-8"],
)
def test_a_byte_order_mark_on_what_is_not_that_text_says_what_to_do(data, label, line):
    with pytest.raises(CharsetError) as refused:
        decode_page(data)
    assert str(refused.value) == (
        f"starts with a {label} byte order mark but is not {label} text; save it again as UTF-8"
    )
    assert refused.value.line == line
