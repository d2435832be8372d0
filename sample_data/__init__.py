"""Sample data: a fictional prison register and its quarterly submissions.

Everything in this folder is invented (the country Nordmere, prefix `NM-`, its
regions and prisons) and is made by `python -m sample_data.generate`, seeded,
so that every run writes the same bytes. It feeds `prison-monitor init
--sample`, the demo dashboard and the tests:

- `REGISTER_FILE`: the prison register (submission-format.md §5), with the modules
  each prison reports beyond core and its peer group;
- `SUBMISSIONS_DIR`: one accepted file per prison and quarter, 2023-Q4 to
  `LAST_QUARTER`, for the quarters in which the prison was open;
- `INVALID_DIR`: files rejected by one error rule each, named `<rule_id>.<ext>`
  or `<rule_id>--<variant>.<ext>`;
- `WARNINGS_DIR`: files accepted with one warning each, named `<rule_id>.<ext>`.

Register semantics (as the checks read them): `opened` is the prison's first
quarter in service and `closed` its last. Oldbridge Gaol (closed 2025-Q1)
sends its last return for 2025-Q1; its prisoners moved to Brackenwell.
"""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent
REGISTER_FILE = SAMPLE_DIR / "prisons.csv"
SUBMISSIONS_DIR = SAMPLE_DIR / "submissions"
INVALID_DIR = SAMPLE_DIR / "invalid"
WARNINGS_DIR = SAMPLE_DIR / "warnings"

# The prison run by the demo account "director" (Willowford Prison).
DEMO_DIRECTOR_PRISON = "NM-WFP"

FIRST_QUARTER = "2023-Q4"
LAST_QUARTER = "2026-Q3"
