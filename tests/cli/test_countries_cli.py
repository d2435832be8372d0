"""Roles across countries on the command line (international.md §2): a ministry of one
country is refused on another country's prison in every path (authz.country, exit 1,
audited where it would change something); an international account reads no prison or
region row from any command; `--user` prints exactly what the account may see; and
`--level international` pools the national rows, against an independent sum."""

from __future__ import annotations

import io
import sys

import polars as pl
import pytest
from submission_files import csv_text, good_rows

from data_contracts.register import Prison

PASSWORD = "correct horse battery staple"
PERIOD = "2025-Q3"
# Two countries; the second has two prisons in two regions, so its national and region rows
# are sums over more than one prison.
TWO_COUNTRIES = [
    Prison("BE-HAS", "Hasselt", "Flanders", "mixed", country="BE"),
    Prison("FR-LYO", "Lyon-Corbas", "Auvergne-Rhone-Alpes", "remand", country="FR"),
    Prison("FR-PAR", "Paris-La Sante", "Ile-de-France", "sentenced", country="FR"),
]
FIGURES = {"BE-HAS": ("60", "90"), "FR-LYO": ("40", "100"), "FR-PAR": ("25", "50")}


def register_text(prisons: list[Prison] = TWO_COUNTRIES) -> str:
    lines = ["prison_code,name,region,prison_type,country"]
    lines += [f"{p.code},{p.name},{p.region},{p.prison_type},{p.country}" for p in prisons]
    return "\n".join(lines) + "\n"


def quarter_file(write, code: str):  # type: ignore[no-untyped-def]
    received, identified = FIGURES[code]
    rows = good_rows(code, PERIOD, ost_received=received, oud_identified=identified)
    return write(f"{code}.csv", csv_text(rows))


@pytest.fixture
def two_countries(cli, write, monkeypatch):  # type: ignore[no-untyped-def]
    """A database of two countries with one accepted quarter per prison and accounts: an
    operator's ministry, a ministry of BE, an evaluator of FR and an international one."""
    assert cli("init").code == 0
    assert cli("prisons", "import", write("register.csv", register_text())).code == 0
    for args in (
        ("min", "--role", "ministry"),
        ("be", "--role", "ministry", "--country", "BE"),
        ("eva-fr", "--role", "evaluator", "--country", "FR"),
        ("intl", "--role", "international"),
        ("dir-fr", "--role", "director", "--prison", "FR-LYO"),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        done = cli("users", "add", *args, "--password-stdin")
        assert done.code == 0, done.err
    for code in FIGURES:
        assert cli("ingest", quarter_file(write, code), "--user", "min").code == 0
    return cli


def submission_of(cli, code: str) -> str:  # type: ignore[no-untyped-def]
    [entry] = [e for e in cli("history", "--json").json if e["prison_code"] == code]
    return str(entry["submission_id"])


def refusing_paths(cli, write) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Every path on which the BE ministry would touch a prison of FR (or everything)."""
    lyon = ("--prison", "FR-LYO", "--period", PERIOD)
    moved = [Prison("FR-LYO", "Lyon", "Flandre", "remand", country="BE")]
    return [
        ("ingest", str(quarter_file(write, "FR-LYO")), "--user", "be", "--replace"),
        ("validate", str(quarter_file(write, "FR-LYO")), "--user", "be"),
        ("review", "approve", *lyon, "--submission", submission_of(cli, "FR-LYO"), "--user", "be"),
        (
            "review",
            "return",
            *lyon,
            "--submission",
            submission_of(cli, "FR-LYO"),
            "--user",
            "be",
            "--comment",
            "x",
        ),
        ("review", "reopen", *lyon, "--user", "be", "--reason", "x"),
        ("period", "lock", PERIOD, "--user", "be"),
        ("period", "unlock", PERIOD, "--user", "be", "--reason", "x"),
        ("release", "create", "--name", "R", "--user", "be"),
        (
            "prisons",
            "import",
            str(write("fr.csv", register_text(TWO_COUNTRIES[1:2]))),
            "--user",
            "be",
        ),
        ("prisons", "import", str(write("moved.csv", register_text(moved))), "--user", "be"),
        ("users", "add", "x", "--role", "evaluator", "--country", "FR", "--by", "be"),
        ("users", "add", "y", "--role", "evaluator", "--by", "be"),
        ("users", "add", "z", "--role", "director", "--prison", "FR-PAR", "--by", "be"),
        ("users", "add", "w", "--role", "international", "--by", "be"),
        ("users", "add", "eva-fr", "--role", "evaluator", "--country", "BE", "--by", "be"),
        ("users", "disable", "eva-fr", "--by", "be"),
        ("users", "disable", "dir-fr", "--by", "be"),
        ("indicators", "--user", "be", "--prison", "FR-LYO"),
        ("history", "--user", "be", "--prison", "FR-LYO"),
    ]


def test_a_ministry_of_one_country_is_refused_on_another_countrys_prison_in_every_path(
    two_countries, write
) -> None:
    cli = two_countries
    before = cli("history", "--json").json
    for path in refusing_paths(cli, write):
        done = cli(*path)
        assert done.code == 1, (path, done.out, done.err)
        said = done.out + done.err
        if path[0] in ("ingest", "validate"):  # the file contract's rule, naming the country
            assert "[authz.prison]" in said and "works for BE; FR-LYO is a prison of FR" in said
        else:
            assert "authz.country" in said, (path, said)
        assert "Traceback" not in done.err
    # nothing of FR changed: the same submissions (the refused file is in the history as
    # a refused attempt, which names no FR prison-quarter for this account) and accounts
    after = [e for e in cli("history", "--json").json if e["status"] != "refused"]
    assert after == [e for e in before if e["status"] != "refused"]
    accounts = {r["name"]: r for r in cli("users", "list", "--json").json}
    assert {"x", "y", "z", "w"}.isdisjoint(accounts)
    assert accounts["eva-fr"]["countries"] == "FR" and not accounts["eva-fr"]["disabled"]
    assert cli("prisons", "list", "--json").json[1]["country"] == "FR"
    refused = [e for e in cli("audit", "--actor", "be", "--json").json]
    assert any(e["action"] == "period.lock.refused" for e in refused)
    assert any(e["action"] == "account.update.refused" for e in refused)


def test_a_ministry_of_one_country_reads_only_its_country(two_countries) -> None:
    cli = two_countries
    table = pl.DataFrame(
        cli("indicators", "--user", "be", "--level", "prison", "--format", "json").json
    )
    assert set(table["country"]) == {"BE"} and set(table["prison_code"]) == {"BE-HAS"}
    every = pl.DataFrame(
        cli("indicators", "--user", "be", "--level", "national", "--format", "json").json
    )
    assert set(every["country"]) == {"BE"}
    grid = cli("completeness", "--user", "be", "--from", PERIOD, "--to", PERIOD, "--json").json
    assert {r["prison_code"] for r in grid} == {"BE-HAS"}
    history = cli("history", "--user", "be", "--json").json
    assert {e["prison_code"] for e in history} == {"BE-HAS"}
    funnel = cli(
        "funnel",
        "--indicator",
        "ost_coverage",
        "--period",
        PERIOD,
        "--user",
        "be",
        "--format",
        "json",
    ).json
    assert {r["prison_code"] for r in funnel} == {"BE-HAS"}
    # an evaluator of FR: FR's prisons, suppressed form
    fr = pl.DataFrame(cli("indicators", "--user", "eva-fr", "--format", "json").json)
    assert set(fr["prison_code"]) == {"FR-LYO", "FR-PAR"}


@pytest.mark.parametrize("level", ["prison", "region", "peer", None])
def test_an_international_account_reads_no_prison_or_region_row(two_countries, level) -> None:
    cli = two_countries
    args = ("indicators", "--user", "intl", *(("--level", level) if level else ()))
    done = cli(*args)
    assert done.code == 1, done.err
    assert done.err.startswith("prison-monitor: authz.role: ") and "--level national" in done.err


def test_an_international_account_is_refused_by_every_prison_command(two_countries) -> None:
    cli = two_countries
    for path in (
        ("funnel", "--indicator", "ost_coverage", "--period", PERIOD, "--user", "intl"),
        ("history", "--user", "intl"),
        ("completeness", "--user", "intl"),
        ("indicators", "--user", "intl", "--level", "national", "--prison", "BE-HAS"),
    ):
        done = cli(*path)
        assert done.code == 1, (path, done.err)
        assert done.err.startswith("prison-monitor: authz.role: "), (path, done.err)


def test_an_international_account_reads_national_and_international_rows(two_countries) -> None:
    cli = two_countries
    national = pl.DataFrame(
        cli("indicators", "--user", "intl", "--level", "national", "--format", "json").json
    )
    assert set(national["level"]) == {"national"} and set(national["country"]) == {"BE", "FR"}
    assert national["prison_code"].null_count() == national.height
    pooled = cli("indicators", "--user", "intl", "--level", "international", "--format", "json")
    assert {r["level"] for r in pooled.json} == {"international"}
    sdmx = cli("indicators", "--user", "intl", "--format", "sdmx-csv")
    assert sdmx.code == 0 and "BE-HAS" not in sdmx.out and "FR-LYO" not in sdmx.out


def test_national_rows_per_country_and_the_international_row_are_exact(two_countries) -> None:
    cli = two_countries
    rows = cli(
        "indicators", "--level", "national", "--indicator", "ost_coverage", "--format", "json"
    ).json
    by_country = {r["country"]: r for r in rows}
    # independent: each country's sums of the figures written into its prisons' files
    for country, codes in (("BE", ["BE-HAS"]), ("FR", ["FR-LYO", "FR-PAR"])):
        numerator = sum(int(FIGURES[c][0]) for c in codes)
        denominator = sum(int(FIGURES[c][1]) for c in codes)
        row = by_country[country]
        assert (row["numerator"], row["denominator"], row["prisons"]) == (
            numerator,
            denominator,
            len(codes),
        )
        assert row["value"] == pytest.approx(100 * numerator / denominator)
    [pooled] = cli(
        "indicators", "--level", "international", "--indicator", "ost_coverage", "--format", "json"
    ).json
    assert (pooled["numerator"], pooled["denominator"]) == (125, 240)
    assert pooled["value"] == pytest.approx(100 * 125 / 240)
    assert pooled["countries"] == 2 and "prisons" not in pooled and pooled["country"] is None
    assert pooled["lower_95"] < pooled["value"] < pooled["upper_95"]
    # a region row never mixes countries, and names its country
    regions = cli(
        "indicators", "--level", "region", "--indicator", "ost_coverage", "--format", "json"
    ).json
    assert {(r["country"], r["region"]) for r in regions} == {
        ("BE", "Flanders"),
        ("FR", "Auvergne-Rhone-Alpes"),
        ("FR", "Ile-de-France"),
    }


def test_accounts_take_countries_only_where_they_mean_something(two_countries, monkeypatch):
    cli = two_countries
    for args, words in (
        (("d2", "--role", "director", "--prison", "BE-HAS", "--country", "BE"), "Only ministry"),
        (("i2", "--role", "international", "--country", "BE"), "Only ministry"),
        (("e2", "--role", "evaluator", "--country", "Belgium"), "ISO 3166-1"),
    ):
        done = cli("users", "add", *args)
        assert done.code == 1 and words in done.err, (args, done.err)
    assert cli("users", "add", "e3", "--role", "evaluator", "--country", "be").code == 0
    assert (
        next(r for r in cli("users", "list", "--json").json if r["name"] == "e3")["countries"]
        == "BE"
    )
