"""Printable shipping labels: a 100 x 150 mm PDF with a Code 128 barcode of the waybill number.

Rendered with ReportLab. The recipient's name and phone are masked when ``mask_pii`` (EXP
22, 34): the courier needs the address and a callable number, and the carrier's system
holds the full phone; an ID number is never printed, whatever the input.
"""

from __future__ import annotations

import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from bazaar.plugins.logistics.policy import mask_name, mask_phone
from bazaar.sdk.carriers import WaybillRequest

WIDTH, HEIGHT = 100 * mm, 150 * mm


def _ascii(text: str) -> str:
    """ReportLab's standard fonts draw Latin-1 only; other characters become ``?`` (the
    barcode and the waybill number carry the parcel; names in CJK need an embedded font)."""
    return text.encode("latin-1", "replace").decode("latin-1")


def render(request: WaybillRequest, waybill: str, carrier_name: str) -> bytes:
    """The label of one parcel as PDF bytes."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(WIDTH, HEIGHT), invariant=True)
    pdf.setTitle(f"Label {waybill}")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(6 * mm, HEIGHT - 12 * mm, _ascii(carrier_name))
    barcode = Code128(waybill, barHeight=22 * mm, barWidth=0.42 * mm, humanReadable=True)
    barcode.drawOn(pdf, 4 * mm, HEIGHT - 45 * mm)
    r = request.recipient
    name = mask_name(r.name) if request.mask_pii else r.name
    phone = mask_phone(r.phone) if request.mask_pii else r.phone
    lines = [
        "TO:",
        f"{name}  {phone}",
        ", ".join(p for p in (r.line1, r.line2) if p),
        ", ".join(p for p in (r.city, r.region, r.postcode, r.country) if p),
        "",
        f"FROM: {request.sender_name}",
        f"REF: {request.ref}",
    ]
    if request.cod_amount is not None:
        lines.append(f"COLLECT ON DELIVERY: {request.cod_amount.amount / 100:.2f} {request.cod_amount.currency}")
    pdf.setFont("Helvetica", 10)
    y = HEIGHT - 58 * mm
    for text in lines:
        pdf.drawString(6 * mm, y, _ascii(text)[:70])
        y -= 6 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
