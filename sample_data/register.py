"""The fictional register of the sample data: Nordmere's prisons, their regions, types, sizes,
the formats they send and the quarters they are in service."""

from __future__ import annotations

from dataclasses import dataclass

from data_contracts.periods import period_index as quarter_index


@dataclass(frozen=True)
class Prison:
    code: str
    name: str
    region: str
    type: str
    size: int  # usual average population
    fmt: str = "csv"  # csv | csv-semicolon | xlsx | xlsx-readme
    opened: str = ""
    closed: str = ""

    def is_open(self, period: str) -> bool:
        i = quarter_index(period)
        if self.opened and i < quarter_index(self.opened):
            return False
        # `closed` is the last quarter in service (as the register is read by the checks).
        return not (self.closed and i > quarter_index(self.closed))


# Nordmere, a fictional country; four fictional regions. Formats: about one in
# six prisons sends Excel workbooks, three send semicolon CSV with decimal comma.
PRISONS = [
    Prison("NM-NRC", "Northmoor Remand Centre", "Eastwold", "remand", 620),
    Prison("NM-ASP", "Ashcombe Prison", "Eastwold", "sentenced", 880, opened="2004-Q2"),
    Prison("NM-BWP", "Brackenwell Prison", "Eastwold", "mixed", 410),
    Prison("NM-LWC", "Larkhollow Women's Centre", "Eastwold", "women", 140),
    Prison("NM-KYC", "Kestrel Youth Custody Unit", "Eastwold", "juvenile", 72),
    Prison("NM-OBG", "Oldbridge Gaol", "Eastwold", "mixed", 260, closed="2025-Q1"),
    Prison("NM-HRC", "Hollowmere Remand Centre", "Hollowmere", "remand", 940),
    Prison("NM-GTP", "Greystone Prison", "Hollowmere", "sentenced", 1360, fmt="xlsx-readme"),
    Prison("NM-WFP", "Willowford Prison", "Hollowmere", "mixed", 530),
    Prison("NM-RHW", "Rosehaven Women's Prison", "Hollowmere", "women", 230, fmt="xlsx-readme"),
    Prison("NM-TMP", "Thornmere Prison", "Hollowmere", "sentenced", 760, opened="2011-Q1"),
    Prison("NM-CLK", "Crane Lock Prison", "Hollowmere", "mixed", 180),
    Prison("NM-SRC", "Saltmarsh Remand Centre", "Saltmarsh Coast", "remand", 380, "csv-semicolon"),
    Prison("NM-HVP", "Harbourview Prison", "Saltmarsh Coast", "sentenced", 650, fmt="xlsx"),
    Prison("NM-DNP", "Dunmere Prison", "Saltmarsh Coast", "mixed", 340, fmt="csv-semicolon"),
    Prison("NM-GYU", "Gullrock Youth Unit", "Saltmarsh Coast", "juvenile", 66),
    Prison("NM-SWP", "Seabright Women's Prison", "Saltmarsh Coast", "women", 95),
    Prison("NM-KWP", "Kittiwake Prison", "Saltmarsh Coast", "sentenced", 500, opened="2024-Q3"),
    Prison("NM-GFR", "Greyfell Remand Centre", "Greyfell Uplands", "remand", 270),
    Prison("NM-HCP", "High Cairn Prison", "Greyfell Uplands", "sentenced", 1050, opened="2016-Q4"),
    Prison("NM-MBP", "Marrowby Prison", "Greyfell Uplands", "mixed", 460, fmt="csv-semicolon"),
    Prison("NM-FYC", "Fellside Youth Custody Centre", "Greyfell Uplands", "juvenile", 76, "xlsx"),
    Prison("NM-STP", "Stonegarth Prison", "Greyfell Uplands", "sentenced", 310),
    Prison("NM-CPW", "Copperwick Prison", "Greyfell Uplands", "mixed", 120),
]
PRISON_BY_CODE = {p.code: p for p in PRISONS}
OPENED_IN_SERIES = "NM-KWP"  # fills up over its first quarters
CLOSED_IN_SERIES = "NM-OBG"
RECEIVES_FROM_CLOSED = "NM-BWP"  # takes Oldbridge's prisoners when it closes
