"""A report as PDF, typeset by Typst (docs/reports.md says why Typst).

The layout is one Typst file (reports/report.typ); the model goes to it as JSON through
`sys.inputs`, so no text of a report (a prison's name, a note) is ever read as Typst markup.
PDF/A-2b, A4, tagged, with the charts as vector graphics and every text selectable.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from reports.model import Chart, Paragraph, Report, Table, Terms

TEMPLATE = Path(__file__).with_name("report.typ")
PDF_STANDARD = "a-2b"
KINDS = {Paragraph: "paragraph", Table: "table", Chart: "chart", Terms: "terms"}


def model_json(report: Report) -> str:
    """The report as the template reads it (charts by key: their images come apart)."""

    def block(b) -> dict:  # type: ignore[no-untyped-def]
        if isinstance(b, Chart):
            return {"kind": "chart", "key": b.key, "caption": b.caption}
        return {"kind": KINDS[type(b)], **asdict(b)}

    return json.dumps(
        {
            "title": report.title,
            "subtitle": report.subtitle,
            "lang": report.language,
            "author": report.author,
            "keywords": list(report.keywords),
            "footer": report.footer,
            "contents": report.contents,
            "sections": [
                {
                    "title": s.title,
                    "level": s.level,
                    "new_page": s.new_page,
                    "blocks": [block(b) for b in s.blocks],
                }
                for s in report.sections
            ],
        },
        ensure_ascii=False,
    )


def pdf_bytes(report: Report, images: dict, made_at: datetime) -> bytes:
    """The PDF of `report`, its charts' SVG in `images` (reports.figures), dated `made_at`."""
    import typst

    return typst.compile(
        TEMPLATE.read_bytes(),
        root=str(TEMPLATE.parent),
        sys_inputs={"report": model_json(report), "images": json.dumps(images)},
        pdf_standards=[PDF_STANDARD],
        timestamp=made_at.replace(microsecond=0),
    )
