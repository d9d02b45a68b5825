"""The file store's pure parts: sniffing, the checks of a put, the reading rule, Content-Disposition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bazaar.core.kernel.files.store import check_content
from bazaar.sdk.errors import FileEmpty, FileTooLarge, FileTypeRefused
from bazaar.sdk.files import (
    CONTENT_TYPES,
    FileRules,
    StoredFile,
    content_disposition,
    may_read,
    sniff_content_type,
)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00\x00\x00\x08free"


SAMPLES = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/gif": b"GIF89a\x01\x00\x01\x00",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "video/mp4": ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"),
    "video/quicktime": ftyp(b"qt  ", b"qt  "),
    "image/heic": ftyp(b"heic", b"mif1", b"heic"),
    "text/plain": "退货说明：包装破损。\r\nTab\tok\n".encode(),
}


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_each_type_is_recognised_from_its_bytes(content_type: str) -> None:
    assert sniff_content_type(SAMPLES[content_type]) == content_type


@pytest.mark.parametrize("data, expected", [
    (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),     # HEIF container holding HEIC
    (ftyp(b"M4V ", b"M4V ", b"mp42"), "video/mp4"),
    (ftyp(b"avif", b"avif", b"mif1"), None),              # AVIF: not a type the store knows
    (b"\xef\xbb\xbfhello", "text/plain"),                 # UTF-8 with a BOM
    (b"caf\xe9", None),                                   # Latin-1, not UTF-8
    (b"text with a \x00 NUL", None),
    (b"MZ\x90\x00\x03\x00", None),                        # a Windows executable
    (b"PK\x03\x04\x14\x00", None),                        # a zip
    (b"\x00\x00\x00\x04ftyp", None),                      # a box too short to be one
])
def test_look_alikes_and_unknown_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_content_type(data) == expected


def test_every_sniffed_type_is_a_declarable_content_type() -> None:
    assert set(SAMPLES) | {"application/octet-stream"} == set(CONTENT_TYPES)


IMAGES = FileRules(max_bytes=64, content_types=("image/jpeg", "image/png"))


def test_the_bytes_decide_not_the_name_or_the_declared_type() -> None:
    assert check_content(IMAGES, SAMPLES["image/png"], None, "photo") == "image/png"
    assert check_content(IMAGES, SAMPLES["image/jpeg"], "image/jpg; name=x.jpg", "photo") == "image/jpeg"
    assert check_content(IMAGES, SAMPLES["image/png"], "application/octet-stream", "photo") == "image/png"
    with pytest.raises(FileTypeRefused) as refused:
        check_content(IMAGES, SAMPLES["application/pdf"], "image/png", "photo")  # outside the rules
    assert refused.value.status == 415 and refused.value.code == "file_type_refused"
    assert refused.value.errors[0].field == "photo" and refused.value.errors[0].value == "application/pdf"
    with pytest.raises(FileTypeRefused) as mismatch:
        check_content(IMAGES, SAMPLES["image/png"], "image/jpeg", "photo")  # allowed, but not what was declared
    assert mismatch.value.errors[0].reason == "the content is image/png"


def test_size_and_emptiness_name_the_field() -> None:
    with pytest.raises(FileTooLarge) as big:
        check_content(IMAGES, SAMPLES["image/png"] + b"\x00" * 64, None, "evidence")
    assert big.value.status == 413 and big.value.code == "file_too_large"
    assert big.value.errors[0].field == "evidence" and big.value.extra["max_bytes"] == 64
    with pytest.raises(FileEmpty) as empty:
        check_content(IMAGES, b"", None, "evidence")
    assert empty.value.status == 422 and empty.value.errors[0].field == "evidence"


def test_octet_stream_in_the_rules_accepts_bytes_of_no_known_type() -> None:
    rules = FileRules(max_bytes=100, content_types=("application/pdf", "application/octet-stream"))
    assert check_content(rules, b"PK\x03\x04 a zip", None, "file") == "application/octet-stream"
    assert check_content(rules, SAMPLES["application/pdf"], None, "file") == "application/pdf"
    with pytest.raises(FileTypeRefused):
        check_content(rules, SAMPLES["image/png"], None, "file")  # a known type still has to be allowed


def stored(access: str, owner: str | None = "mch_1") -> StoredFile:
    return StoredFile(id="file_1", use="t.x", sha256="0" * 64, size=1, content_type="text/plain", filename="a",
                      owner_id=owner, subject="order:1", access=access,  # type: ignore[arg-type]
                      created_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_reading_rule() -> None:
    assert may_read(stored("owner"), as_ids=["usr_9", "mch_1"])
    assert not may_read(stored("owner"), as_ids=["usr_9"], parties=["usr_9"])
    assert may_read(stored("owner"), as_ids=[], operator=True)
    assert may_read(stored("parties"), as_ids=["usr_9"], parties=["usr_9", "mch_1"])
    assert not may_read(stored("parties"), as_ids=["usr_8"], parties=["usr_9", "mch_1"])
    assert may_read(stored("public", owner=None), as_ids=[])


@pytest.mark.parametrize("name, ascii_part, utf8_part", [
    ("营业执照.pdf", 'filename="____.pdf"', "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"),
    ("a\r\nSet-Cookie: x=1.pdf", 'filename="aSet-Cookie: x=1.pdf"', "filename*=UTF-8''aSet-Cookie%3A%20x%3D1.pdf"),
    ('say "hi"\\.png', 'filename="say hi.png"', "filename*=UTF-8''say%20hi.png"),
    ("\r\n\x00", 'filename="file"', "filename*=UTF-8''file"),
    ("line\u2028sep.txt", 'filename="linesep.txt"', "filename*=UTF-8''linesep.txt"),
])
def test_content_disposition_is_safe_for_any_name(name: str, ascii_part: str, utf8_part: str) -> None:
    header = content_disposition(name)
    assert header == f"attachment; {ascii_part}; {utf8_part}"
    header.encode("ascii")  # any server can send it: no byte outside ASCII, no CR or LF
    assert "\r" not in header and "\n" not in header


def test_content_disposition_inline_and_long_names() -> None:
    assert content_disposition("photo.jpg", inline=True).startswith('inline; filename="photo.jpg"')
    assert content_disposition("长" * 1000) == content_disposition("长" * 255)  # cut at 255 characters
