"""QR codes of verification links, made locally with segno (no network, no image service)."""

from __future__ import annotations

import io

import segno


def qr_matrix(url: str) -> list[list[bool]]:
    """The module matrix (True = dark) without the quiet zone, for drawing into a PDF."""
    qr = segno.make_qr(url, error="m")
    return [[bool(cell) for cell in row] for row in qr.matrix]


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG of the QR code for web pages."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
