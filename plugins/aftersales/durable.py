"""A one-page PDF for acknowledgements on a durable medium (pure; no library needed).

PDF 1.4 with the standard Helvetica font: text is written as WinAnsi, so characters outside
Latin-1 are replaced by ``?`` in the PDF (the same text is kept in full in the case's record).
"""

from __future__ import annotations


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A valid single-page A4 PDF with ``title`` and ``lines`` (long lines wrap at 90 characters)."""
    wrapped: list[str] = []
    for line in lines:
        while len(line) > 90:
            cut = line.rfind(" ", 0, 90)
            cut = cut if cut > 0 else 90
            wrapped.append(line[:cut])
            line = line[cut:].lstrip()
        wrapped.append(line)
    body = ["BT", "/F1 16 Tf", "50 790 Td", f"({_escape(title)}) Tj", "/F1 10 Tf", "0 -28 Td"]
    for line in wrapped[:60]:
        body += [f"({_escape(line)}) Tj", "0 -14 Td"]
    body.append("ET")
    stream = "\n".join(body).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
