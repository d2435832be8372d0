"""What a report holds, as plain data: both writers read the same model, so the PDF and the
HTML version cannot differ in a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEFT, RIGHT = "left", "right"


@dataclass(frozen=True)
class Paragraph:
    text: str
    small: bool = False  # a footnote or a caption's note


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # per column, LEFT (text) or RIGHT (figures)
    align: tuple[str, ...]
    caption: str | None = None
    # relative widths of the columns (None: as wide as their content)
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Chart:
    """A dashboard figure (plotly.graph_objects.Figure) with what it shows, in words."""

    figure: Any
    caption: str
    key: str  # unique in its report: where its image is kept while the report is written
    width: int | None = None  # px it is drawn at (None: the exports' width)


@dataclass(frozen=True)
class Terms:
    """Terms and their explanations (definitions, provenance)."""

    items: tuple[tuple[str, str], ...]


Block = Paragraph | Table | Chart | Terms


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    level: int = 1
    new_page: bool = False


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    language: str  # en, fr, nl, de
    sections: tuple[Section, ...]
    footer: str  # on every page, beside its number
    author: str = "prison-monitor"
    contents: str | None = None  # the table of contents' title; None: no table of contents
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
