"""A report as one HTML page: the same model as the PDF, every text escaped, the charts'
SVG inline (no file beside it, nothing fetched)."""

from __future__ import annotations

import html

from reports.model import Chart, Paragraph, Report, Table, Terms

STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #111; font-size: 15px; line-height: 1.45; }
.subtitle { color: #555; margin-top: -0.6rem; }
table { border-collapse: collapse; margin: 0.4rem 0 1.2rem; font-size: 13px; }
th, td { padding: 2px 6px; border-bottom: 1px solid #ddd; vertical-align: top; }
th { border-bottom: 1px solid #333; text-align: left; }
td.right, th.right { text-align: right; }
caption { text-align: left; color: #555; padding-bottom: 0.3rem; }
figure { margin: 0 0 1.4rem; } figure svg { max-width: 100%; height: auto; }
figcaption, p.small { color: #555; font-size: 12px; }
dt { font-weight: bold; } dd { margin: 0 0 0.6rem; }
footer { color: #555; font-size: 12px; border-top: 1px solid #ddd; margin-top: 2rem; }
"""


def _block(block, images: dict) -> str:  # type: ignore[no-untyped-def]
    e = html.escape
    if isinstance(block, Paragraph):
        return f'<p class="small">{e(block.text)}</p>' if block.small else f"<p>{e(block.text)}</p>"
    if isinstance(block, Table):
        head = "".join(
            f'<th class="{a}">{e(c)}</th>' for c, a in zip(block.columns, block.align, strict=True)
        )
        rows = "".join(
            "<tr>"
            + "".join(f'<td class="{a}">{e(c)}</td>' for c, a in zip(row, block.align, strict=True))
            + "</tr>"
            for row in block.rows
        )
        caption = f"<caption>{e(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Chart):
        # kaleido's SVG: plotly escapes the texts it draws
        svg = images[block.key]["svg"]
        return f"<figure>{svg}<figcaption>{e(block.caption)}</figcaption></figure>"
    assert isinstance(block, Terms)
    items = "".join(f"<dt>{e(t)}</dt><dd>{e(d)}</dd>" for t, d in block.items)
    return f"<dl>{items}</dl>"


def html_page(report: Report, images: dict) -> bytes:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(report.language)}"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="subtitle">{e(report.subtitle)}</p>',
    ]
    if report.contents is not None:
        links = "".join(
            f'<li><a href="#s{n}">{e(s.title)}</a></li>'
            for n, s in enumerate(report.sections)
            if s.level == 1
        )
        parts.append(f"<nav><h2>{e(report.contents)}</h2><ol>{links}</ol></nav>")
    for n, section in enumerate(report.sections):
        tag = f"h{section.level + 1}"
        parts.append(f'<section id="s{n}"><{tag}>{e(section.title)}</{tag}>')
        parts += [_block(b, images) for b in section.blocks]
        parts.append("</section>")
    parts.append(f"<footer>{e(report.footer)}</footer></body></html>")
    return "\n".join(parts).encode("utf-8")
