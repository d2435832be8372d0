"""SDMX-CSV 2.0 for the European agencies (international.md §4, docs/sdmx.md).

The dataflow PRISON_DRUG_SERVICES(1.0) of the maintenance agency AGENCY: dimensions FREQ,
REF_AREA, INDICATOR, UNIT_MEASURE and TIME_PERIOD, the measure OBS_VALUE, and the
attributes OBS_STATUS, LOWER_95, UPPER_95, NUMERATOR, DENOMINATOR and UNIT_COUNT. Its data
structure definition is built here from the registry (every indicator a code, its title
the code's name; every unit its code) and shipped as SDMX-ML 3.0 in docs/sdmx/
(`python -m indicators.sdmx docs/sdmx/PRISON_DRUG_SERVICES.xml` writes it; a test fails
when the shipped file is stale).

Rows are national and, when asked, region rows of a suppressed indicator table: a
suppressed figure is OBS_STATUS `C` with every number empty; a figure that cannot be
computed (nothing reported, a denominator of 0) is `M` (missing), `A` otherwise. Numbers
keep `.` as the decimal mark and their full precision.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from indicators.aggregates import COUNTRY, NATIONAL, REGION
from indicators.registry import UNITS, Registry, load_registry

AGENCY = "PRISON_MONITOR"
DATAFLOW = "PRISON_DRUG_SERVICES"
VERSION = "1.0"
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW}({VERSION})"
STRUCTURE_FILE = Path(__file__).resolve().parents[1] / "docs" / "sdmx" / f"{DATAFLOW}.xml"
LEVELS = (NATIONAL, REGION)  # the rows SDMX output holds
NORMAL, CONFIDENTIAL, MISSING = "A", "C", "M"
OBS_STATUSES = {
    NORMAL: "Normal value",
    CONFIDENTIAL: "Confidential statistical information (suppressed: fewer than 5 persons)",
    MISSING: "Missing value (not reported, or a denominator of 0)",
}
QUARTERLY = "Q"
# table column -> SDMX attribute, after OBS_STATUS
ATTRIBUTES = {
    "lower_95": "LOWER_95",
    "upper_95": "UPPER_95",
    "numerator": "NUMERATOR",
    "denominator": "DENOMINATOR",
    "prisons": "UNIT_COUNT",
}
DIMENSIONS = ("FREQ", "REF_AREA", "INDICATOR", "UNIT_MEASURE", "TIME_PERIOD")
COLUMNS = (
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    *DIMENSIONS,
    "OBS_VALUE",
    "OBS_STATUS",
    *ATTRIBUTES.values(),
)
# The header's fixed values, so that the shipped file is the same bytes when regenerated.
PREPARED = datetime(2026, 12, 1, tzinfo=UTC)


def region_area(country: pl.Expr, region: pl.Expr) -> pl.Expr:
    """A region's REF_AREA: its country's code, '-', its name in capitals with every run of
    other characters one '_' ('XN-SALTMARSH_COAST'); the register has no region codes."""
    name = region.str.to_uppercase().str.replace_all(r"[^0-9A-Z]+", "_").str.strip_chars("_")
    return pl.concat_str(country, pl.lit("-"), name)


def sdmx_rows(table: pl.DataFrame, registry: Registry | None = None) -> pl.DataFrame:
    """The national and region rows of an indicator table (suppressed already) as SDMX-CSV
    2.0 rows (COLUMNS), in the table's order."""
    registry = registry or load_registry()
    units = {i.id: UNITS[i.unit].sdmx for i in registry.indicators}
    rows = table.filter(pl.col("level").is_in(LEVELS))
    hidden = pl.col("suppressed")
    status = (
        pl.when(hidden)
        .then(pl.lit(CONFIDENTIAL))
        .when(pl.col("value").is_null())
        .then(pl.lit(MISSING))
        .otherwise(pl.lit(NORMAL))
    )
    area = (
        pl.when(pl.col("level") == REGION)
        .then(region_area(pl.col(COUNTRY), pl.col("region")))
        .otherwise(pl.col(COUNTRY))
    )
    return rows.select(
        pl.lit("dataflow").alias("STRUCTURE"),
        pl.lit(STRUCTURE_ID).alias("STRUCTURE_ID"),
        pl.lit("I").alias("ACTION"),
        pl.lit(QUARTERLY).alias("FREQ"),
        area.alias("REF_AREA"),
        pl.col("indicator").str.to_uppercase().alias("INDICATOR"),
        pl.col("indicator").replace_strict(units).alias("UNIT_MEASURE"),
        pl.col("period").alias("TIME_PERIOD"),
        pl.when(~hidden).then(pl.col("value")).alias("OBS_VALUE"),
        status.alias("OBS_STATUS"),
        *(pl.when(~hidden).then(pl.col(c)).alias(a) for c, a in ATTRIBUTES.items()),
    )


def sdmx_csv(table: pl.DataFrame, registry: Registry | None = None) -> bytes:
    """sdmx_rows written as SDMX-CSV 2.0 (UTF-8, comma, empty for null)."""
    return sdmx_rows(table, registry).write_csv(null_value="").encode()


def structure(registry: Registry | None = None) -> list[Any]:
    """The codelists, concept scheme, data structure definition and dataflow (pysdmx)."""
    from pysdmx.model import (
        Code,
        Codelist,
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    registry = registry or load_registry()
    scheme = f"CS_{DATAFLOW}"

    def codelist(id_: str, name: str, codes: dict[str, str]) -> Any:
        urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={AGENCY}:{id_}({VERSION})"
        items = [Code(id=c, name=n) for c, n in codes.items()]
        return Codelist(id=id_, name=name, agency=AGENCY, version=VERSION, items=items, urn=urn)

    lists = {
        "FREQ": codelist("CL_FREQ", "Frequency", {QUARTERLY: "Quarterly"}),
        "INDICATOR": codelist(
            "CL_INDICATOR",
            "Indicator",
            {i.id.upper(): i.title for i in registry.indicators},
        ),
        "UNIT_MEASURE": codelist(
            "CL_UNIT_MEASURE", "Unit of measure", {u.sdmx: u.name for u in UNITS.values()}
        ),
        "OBS_STATUS": codelist("CL_OBS_STATUS", "Observation status", OBS_STATUSES),
    }
    names = {
        "FREQ": ("Frequency", DataType.STRING),
        "REF_AREA": ("Reference area: the country (ISO 3166-1 alpha-2) or its region", None),
        "INDICATOR": ("Indicator", DataType.STRING),
        "UNIT_MEASURE": ("Unit of measure", DataType.STRING),
        "TIME_PERIOD": ("Quarter", DataType.PERIOD),
        "OBS_VALUE": ("Value", DataType.DOUBLE),
        "OBS_STATUS": ("Observation status", DataType.STRING),
        "LOWER_95": ("Lower limit of the 95% confidence interval", DataType.DOUBLE),
        "UPPER_95": ("Upper limit of the 95% confidence interval", DataType.DOUBLE),
        "NUMERATOR": ("Numerator", DataType.INTEGER),
        "DENOMINATOR": ("Denominator (persons, or person-years for rates)", DataType.DOUBLE),
        "UNIT_COUNT": ("Prisons covered", DataType.INTEGER),
    }
    concepts = {
        id_: Concept(
            id=id_,
            name=name,
            dtype=dtype or DataType.STRING,
            codes=lists.get(id_),
            urn=f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:{scheme}({VERSION}).{id_}",
        )
        for id_, (name, dtype) in names.items()
    }

    def component(id_: str, role: Any, required: bool = True, **more: Any) -> Any:
        return Component(
            id=id_,
            required=required,
            role=role,
            concept=concepts[id_],
            local_codes=lists.get(id_),
            **more,
        )

    components = Components(
        [
            *(component(d, Role.DIMENSION) for d in DIMENSIONS),
            component("OBS_VALUE", Role.MEASURE, required=False),
            component("OBS_STATUS", Role.ATTRIBUTE, attachment_level="O"),
            *(
                component(a, Role.ATTRIBUTE, required=False, attachment_level="O")
                for a in ATTRIBUTES.values()
            ),
        ]
    )
    title = "Drug services in prisons: quarterly monitoring indicators"
    dsd = DataStructureDefinition(
        id=DATAFLOW, name=title, agency=AGENCY, version=VERSION, components=components
    )
    flow = Dataflow(
        id=DATAFLOW, name=title, agency=AGENCY, version=VERSION, structure=dsd.short_urn
    )
    concept_scheme = ConceptScheme(
        id=scheme, name="Concepts", agency=AGENCY, version=VERSION, items=list(concepts.values())
    )
    return [*lists.values(), concept_scheme, dsd, flow]


def structure_xml(registry: Registry | None = None) -> str:
    """The structure as an SDMX-ML 3.0 structure message (the same text every time)."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.model.message import Header

    header = Header(id=f"{DATAFLOW}_STRUCTURE", prepared=PREPARED, sender=AGENCY)
    text = write_sdmx(structure(registry), Format.STRUCTURE_SDMX_ML_3_0, header=header)
    return re.sub(r"[ \t]+\n", "\n", text or "")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else STRUCTURE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(structure_xml(), encoding="utf-8")
    print(f"written {target}")
