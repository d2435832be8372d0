"""The fictional register of the sample data: Nordmere's prisons, their regions, types, sizes,
the formats they send, the quarters they are in service, the modules they report beyond core
and the peer groups they are compared in."""

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
    # ISO 3166-1 leaves XA-XZ to its users: a fictional country's code (international.md §1)
    country: str = "XN"

    def is_open(self, period: str) -> bool:
        i = quarter_index(period)
        if self.opened and i < quarter_index(self.opened):
            return False
        # `closed` is the last quarter in service (as the register is read by the checks).
        return not (self.closed and i > quarter_index(self.closed))

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules it reports beyond core (the register's `modules`), in REPORTERS' order."""
        return tuple(module for module, codes in REPORTERS.items() if self.code in codes)

    @property
    def peer_group(self) -> str:
        """Its explicit peer group, or "" (then the benchmark compares it by prison type)."""
        return next((group for group, codes in PEER_GROUPS.items() if self.code in codes), "")


# Nordmere (XN), a fictional country; four fictional regions. Formats: about one in
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

# Who reports which module beyond core (submission-format §3, the register's `modules`), in
# the contract's order of modules. Three prisons still send the core return only: the demo
# director's Willowford (its 2023-Q3 return is the base of every invalid and warnings file),
# Thornmere (which shares the authz.prison file) and Oldbridge, which closed in 2025-Q1.
CORE_ONLY = ("NM-WFP", "NM-TMP", "NM-OBG")
JUVENILE_UNITS = tuple(p.code for p in PRISONS if p.type == "juvenile")  # no opioid medication
# Screening at reception not yet organised: the new prison and the smallest adult one.
NO_SCREENING = ("NM-KWP", "NM-CPW")


def _all_but(*codes: str) -> tuple[str, ...]:
    return tuple(p.code for p in PRISONS if p.code not in CORE_ONLY + codes)


REPORTERS: dict[str, tuple[str, ...]] = {
    "screening": _all_but(*NO_SCREENING),
    "medication": _all_but(*JUVENILE_UNITS),
    # the pilot of drug treatment in detention (as Belgium's federal pilot, a psychosocial
    # intervention): one prison per region
    "psychosocial": ("NM-LWC", "NM-HRC", "NM-DNP", "NM-MBP"),
    "blood_borne_viruses": _all_but("NM-CPW"),
    # a needle and syringe programme, rare in European prisons
    "harm_reduction": ("NM-HVP", "NM-RHW"),
    # deaths after release from linked death records (two regions' registries)
    "after_release": ("NM-NRC", "NM-GTP", "NM-SRC", "NM-SWP", "NM-HCP", "NM-STP"),
}
# Explicit peer groups (the register's `peer_group`); every other prison is compared with its
# prison type. The peer benchmark needs at least three prisons: "large-remand" has them,
# "high-security" (two) does not, nor does the type "remand" that Greyfell is left with.
PEER_GROUPS: dict[str, tuple[str, ...]] = {
    "large-remand": ("NM-NRC", "NM-HRC", "NM-SRC"),
    "high-security": ("NM-GTP", "NM-HCP"),
}


# Two more fictional countries, so that the demo compares countries side by side
# (international.md §1). Lauwerland (XL) has two languages, as Belgium has: its Dutch-speaking
# north and French-speaking south name their prisons and regions in their own language, and
# its capital region by both names. Rheinmark (XR) speaks German. Their figures come from
# streams of their own (generate.py), so Nordmere's sample files do not change with them.
OTHER_COUNTRIES = {"XL": "Lauwerland", "XR": "Rheinmark"}
OTHER_PRISONS = [
    Prison("LW-HVG", "Gevangenis Hoogveld", "Noorderkempen", "sentenced", 720, country="XL"),
    Prison("LW-ZWA", "Huis van Arrest Zandwijk", "Noorderkempen", "remand", 310, country="XL"),
    Prison(
        "LW-BRA",
        "Prison de Bruxelle-Sainte-Anne / Gevangenis Brussel-Sint-Anna",
        "Hoofdstad / Capitale",
        "mixed",
        980,
        country="XL",
    ),
    Prison(
        "LW-VSF", "Prison pour femmes du Val-de-Sambre", "Val-de-Sambre", "women", 150, country="XL"
    ),
    Prison(
        "LW-RCL",
        "Prison de Rochefort-la-Lesse",
        "Val-de-Sambre",
        "sentenced",
        540,
        fmt="csv-semicolon",
        country="XL",
    ),
    Prison(
        "RM-JTH",
        "Justizvollzugsanstalt Talheim",
        "Oberland",
        "sentenced",
        830,
        fmt="xlsx",
        country="XR",
    ),
    Prison("RM-UHB", "Untersuchungshaftanstalt Bergstadt", "Oberland", "remand", 420, country="XR"),
    Prison("RM-JVF", "Frauenvollzugsanstalt Lindenau", "Niederwald", "women", 130, country="XR"),
    Prison("RM-JAW", "Jugendanstalt Weidenbach", "Niederwald", "juvenile", 70, country="XR"),
]
ALL_PRISONS = [*PRISONS, *OTHER_PRISONS]
PRISON_BY_CODE.update({p.code: p for p in OTHER_PRISONS})
_OTHER_REPORTERS: dict[str, tuple[str, ...]] = {
    "screening": ("LW-HVG", "LW-ZWA", "LW-BRA", "LW-VSF", "RM-JTH", "RM-UHB", "RM-JVF"),
    "medication": ("LW-HVG", "LW-ZWA", "LW-BRA", "LW-VSF", "LW-RCL", "RM-JTH", "RM-UHB"),
    "psychosocial": ("LW-BRA", "RM-JTH"),
    "blood_borne_viruses": ("LW-HVG", "LW-BRA", "LW-RCL", "RM-JTH", "RM-UHB", "RM-JVF"),
    "harm_reduction": ("RM-JTH",),
    "after_release": ("LW-BRA", "RM-UHB"),
}
for _module, _codes in _OTHER_REPORTERS.items():
    REPORTERS[_module] = (*REPORTERS[_module], *_codes)
