"""Write the example's shifts (``../shifts.csv``) as three other systems would export them.

- ``timecard-ukg.csv``: a UKG/Kronos-style timecard (profile ``ukg-timecard``): US dates,
  12-hour punches, an out punch after midnight as a bare time, pay codes, ``$300.00``;
- ``roster.xlsx``: a workbook, sheet "Roster" (profile ``date-in-out``), dates and times as
  the workbook's own date and time cells;
- ``roster-cp1252.tsv``: the same roster as Windows-1252 text with tabs, as Excel saves
  "Text (Tab delimited)" on Windows (profile ``date-in-out``, ``--encoding cp1252``).

Run ``python make_exports.py [FOLDER]`` (default: this folder; needs ``xlsxwriter``, in the
test extra).
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
FLAGS = {"true": "Y", "false": "N", "": "", "yes": "Yes"}


def rows() -> list[dict[str, str]]:
    with (HERE.parent / "shifts.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def clock(moment: datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def ukg(folder: Path) -> None:
    header = ["Person Number", "Job", "Home Location", "Apply Date", "In Punch", "Out Punch",
              "Pay Code", "Extra Shift", "Unpaid Break", "Incentive Paid"]  # fmt: skip
    with (folder / "timecard-ukg.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(header)
        for r in rows():
            start, end = datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
            out.writerow([
                r["employee_id"], r["classification"], r["location"],
                start.strftime("%m/%d/%Y"), clock(start), clock(end),
                "SICK" if r["status"] == "sick" else "REG", FLAGS[r["extra"]],
                r["unpaid_break_minutes"], f"${r['paid']}" if r["paid"] else "",
            ])  # fmt: skip


ROSTER = ["Employee", "Classification", "Location", "Date", "In", "Out", "Status", "Extra",
          "Break", "Paid"]  # fmt: skip


def roster_rows() -> list[tuple[list[str], datetime, datetime, list[str]]]:
    """Per shift: the texts before the date, its start and end, the texts after them."""
    out = []
    for r in rows():
        start, end = datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
        before = [r["employee_id"], r["classification"], r["location"]]
        after = [r["status"], FLAGS[r["extra"]], r["unpaid_break_minutes"], r["paid"]]
        out.append((before, start, end, after))
    return out


def workbook(folder: Path) -> None:
    book = xlsxwriter.Workbook(folder / "roster.xlsx")
    sheet = book.add_worksheet("Roster")
    day = book.add_format({"num_format": "mm/dd/yyyy"})
    time = book.add_format({"num_format": "hh:mm"})
    sheet.write_row(0, 0, ROSTER)
    for i, (before, start, end, after) in enumerate(roster_rows(), start=1):
        sheet.write_row(i, 0, before)
        sheet.write_datetime(i, 3, start.replace(hour=0, minute=0), day)
        sheet.write_datetime(i, 4, start.replace(year=1899, month=12, day=31), time)
        sheet.write_datetime(i, 5, end.replace(year=1899, month=12, day=31), time)
        sheet.write_row(i, 6, after)
    book.close()


def tab_text(folder: Path) -> None:
    # A comment column the profile does not read, in words Windows-1252 holds and ASCII not.
    lines = ["\t".join([*ROSTER, "Comment"])]
    for n, (before, start, end, after) in enumerate(roster_rows()):
        clock = [start.strftime("%m/%d/%Y"), start.strftime("%H:%M"), end.strftime("%H:%M")]
        comment = "relève de nuit – signé" if n == 1 else ""
        lines.append("\t".join([*before, *clock, *after, comment]))
    (folder / "roster-cp1252.tsv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def main(folder: Path = HERE) -> None:
    ukg(folder)
    workbook(folder)
    tab_text(folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
