"""The sentence of every problem code (see :mod:`incentives._problems`).

A template is a :meth:`str.format` string over the problem's values: ``{name!r}`` quotes
a value (cut short past 60 characters), ``{name!l}`` lists a list's items. The groups:

- ``value.*``, ``time.*``, ``row.*``, ``json.*``, ``profile.*``: a row error (the row is
  reported in ``errors``; every other row is evaluated);
- ``file.*``: a shifts file that cannot be read at all (:class:`ShiftFileError`);
- ``argument.*``: a bad argument to :func:`incentives.evaluate` or the command line;
- ``agreement.*``: a problem of an agreement (:class:`AgreementError`), with its ``key``;
- ``profile_file.*``, ``cases.*``, ``kind.*``: an input profile, an agreement test file,
  a rule kind that no registry holds.
"""

from __future__ import annotations

ROW = {
    "value.missing": "{field} is required and missing",
    "value.not_text": "{field} must be text, not {value!r}",
    "value.not_decimal": "{field} {value!r} is not a decimal number",
    "value.not_finite": "{field} {value!r} is not a finite number",
    "value.too_large": "{field} {value!r} is too large (at most {digits} digits)",
    "value.too_precise": "{field} {value!r} has more than {places} decimal places",
    "value.fraction_of_cent": "{field} {value} has fractions of a cent",
    "value.negative": "{field} {value} is negative",
    "value.not_boolean": "{field} {value!r} is not a boolean (true/false, yes/no, y/n, 1/0)",
    "value.not_minutes": "{field} {value!r} is not a whole number of minutes (0 or more)",
    "value.not_choice": "{field} {value!r} is not one of {choices!l}",
    "value.not_one_word": "{field} {value!r} is not one word (worked, sick, ...)",
    "value.not_time": "{value!r} is not a date and time",
    "time.not_iso": "{value!r} is not an ISO 8601 date and time (for example "
    "2020-12-27T07:00 or 2020-12-27T07:00-08:00)",
    "time.fraction": "{value!r} has fractions of a second; give whole seconds",
    "time.out_of_range": "{value} is outside the years 1900 to 2199",
    "time.no_zone": "{time} has no UTC offset and the agreements are in different time "
    "zones: give a time zone (--timezone / timezone=) or write the offset",
    "time.skipped": "{time} does not exist in {zone}: clocks jump from {gap_start} to {gap_end}",
    "time.not_in_zone": "{time} does not exist in {zone}: its clocks skip that time",
    "time.repeated": "{time} occurs twice in {zone} (at {earlier} and at {later}): write it "
    "with its UTC offset ({time}{earlier} or {time}{later}), or choose ambiguous 'earlier' "
    "or 'later'",
    "row.end_not_after_start": "end must be after start",
    "row.too_long": "shift is {hours} hours long; at most 24 are allowed",
    "row.break_too_long": "unpaid break of {minutes} minutes is not shorter than the shift",
    "row.overlap": "overlaps line {other_line} of employee {employee_id} ({other_start} to "
    "{other_end}): a likely double claim",
    "row.width": "row has {count} values, the header has {columns} columns",
    "json.invalid": "not valid JSON ({reason})",
    "json.not_object": "not a JSON object",
    "json.key_twice": "the key {key_name!r} is given twice",
    "json.surrogate": "the text holds half of a surrogate pair (not Unicode)",
    "profile.date": "date '{value}' does not match {format}",
    "profile.time": "time '{value}' does not match {format}",
    "profile.datetime": "'{value}' does not match {format}",
}
"""Row errors."""

FILE = {
    "file.missing": "{source}: no such file",
    "file.directory": "{source}: is a directory, not a shifts file",
    "file.unreadable": "{source}: cannot be read ({reason})",
    "file.stdin_closed": "{source}: standard input is closed",
    "file.not_text": "{source}: not UTF-8 text ({reason})",
    "file.encoding": "{source}: line {line}, byte {byte}: not {encoding} text "
    "(byte 0x{value}){hint}",
    "file.unknown_encoding": "{source}: unknown encoding {encoding!r}",
    "file.unknown_type": "{source}: unknown shifts file type {suffix!r}: use .csv, .tsv, "
    ".txt, .jsonl, .ndjson, .xlsx, .xls or .ods, or give the format",
    "file.delimiter": "{source}: the delimiter must be a comma, a tab or a semicolon",
    "file.empty": "{source}: empty file: a header row is needed",
    "file.malformed_csv": "{source}: line {line}: malformed CSV ({reason})",
    "file.column_twice": "{source}: line 1: column {column_name!r} appears twice",
    "file.missing_columns": "{source}: missing required {noun} {columns!l} (the header has: "
    "{header!l})",
    "file.needed_columns": "{source}: missing {noun} {needed}",
    "file.workbook_extra": "{source}: reading workbooks needs the xlsx extra",
    "file.workbook": "{source}: cannot read the workbook ({reason})",
    "file.frame": "cannot read a {type} as shifts ({reason})",
}
"""Shifts files that cannot be read at all."""

ARGUMENT = {
    "argument.no_agreement": "evaluate() needs at least one agreement",
    "argument.ambiguous": "ambiguous must be one of raise, earlier, later; not {value!r}",
    "argument.timezone": "timezone: {value!r} is not an IANA time zone (for example "
    "'America/Los_Angeles')",
    "argument.as_of": "as_of {value!r} is not a date like 2021-01-29",
    "argument.as_of_type": "as_of must be a date, not {type}",
    "argument.zone": "{value!r} is not an IANA time zone (for example 'America/Los_Angeles')",
}
"""Bad arguments."""

AGREEMENT = {
    "agreement.invalid": "{source}: the agreement has problems (listed in details)",
    "agreement.file.suffix": "an agreement file must end in .toml or .json",
    "agreement.file.missing": "no such file",
    "agreement.file.unreadable": "cannot be read ({reason})",
    "agreement.file.syntax": "not valid {language}: {reason}",
    "agreement.file.top_level": "the top level must be a table (a JSON object)",
    "agreement.id_twice": "agreement id {id!r} is given more than once",
    "agreement.id_also": "id {id!r} is also the id of {other}",
    "agreement.timezone": "{value!r} is not an IANA time zone (for example 'America/Los_Angeles')",
    "agreement.time.offset": "must be a local wall-clock time without a UTC offset",
    "agreement.time.not_local": "{value!r} is not a local date and time like 2020-07-03T07:00",
    "agreement.time.type": "must be a local date and time like 2020-07-03T07:00",
    "agreement.time.out_of_range": "{value} is outside the years 1900 to 2199",
    "agreement.number.too_large": "{value} is too large (at most {digits} digits before the "
    "decimal point)",
    "agreement.number.too_precise": "{value} has more than {places} decimal places",
    "agreement.window.order": "end {end} must be after start {start}",
    "agreement.window.skipped": "{time} does not exist in {zone}: clocks jump from "
    "{gap_start} to {gap_end}",
    "agreement.window.repeated": "{time} occurs twice in {zone} (at {earlier} and at "
    "{later}); a bound must happen once: use a time outside the hour the clocks repeat",
    "agreement.window.overlap": "overlaps windows[{other}] (windows may touch but not overlap)",
    "agreement.period.name": "a day-part name is one word",
    "agreement.period.empty": "starts and ends at the same time",
    "agreement.period.overlap": "overlaps periods.{other}",
    "agreement.period.undefined": "day-part {name!r} is not defined in periods{after}",
    "agreement.pay_period.needed": "needs pay_period (anchor and days){after}",
    "agreement.payout.kind": "a payout component needs exactly one of {kinds!l} (given: {given})",
    "agreement.payout.tiers": "tiers[{index}].min_hours {hours} must be greater than "
    "tiers[{previous}].min_hours {previous_hours} (tiers are written in increasing min_hours)",
    "agreement.overtime.period_days": "hospital_8_80 needs a pay_period of 14 days",
    "agreement.overtime.allocation": "hospital_8_80 counts each incentive in its 14-day period",
    "agreement.overtime.daily": "only the california method has a daily choice",
    "agreement.overtime.pay_period": "{allocation} needs pay_period",
    "agreement.overtime.whole_weeks": "{allocation} shares a pay period's incentives among "
    "its workweeks, so pay_period must be whole workweeks: days a multiple of 7 and the "
    "anchor on the workweek start ({workweek_start}; the anchor is a {anchor})",
    "agreement.overtime.twice": "agreement {id!r} names an overtime rule (with its time zone, "
    "workweek and pay period) other than {first!r}'s; overtime is owed once",
}
"""Problems of an agreement; each but the first names its ``key`` path."""

KEYS = {
    "key.missing": "required key is missing",
    "key.unknown": "unknown key (is it misspelt?)",
    "value.type": "{detail}",
    "value.choice": "{detail}",
    "value.range": "{detail}",
    "value.pattern": "{detail}",
    "value.invalid": "{detail}",
}
"""Problems that pydantic finds in a file's keys and values (``detail`` is its sentence,
with the value given), for agreements, input profiles and agreement test files alike."""

PROFILE = {
    "profile_file.missing": "no such profile file or bundled profile ({names}): {reason}",
    "profile_file.syntax": "not valid TOML: {reason}",
    "profile_file.column_target": "{name!r} maps to {target!r}, not a shifts column or 'date'",
    "profile_file.constant": "{target!r} is not a shifts column",
    "profile_file.date_formats": "a 'date' column needs date_format and time_format (nothing "
    "is guessed: 03/04/2021 is March 4 only under %m/%d/%Y)",
    **{f"profile_file.{k}": v for k, v in KEYS.items()},
}
"""Problems of an input profile (:class:`ProfileError`)."""

CASES = {
    "cases.missing": "{source}: no such file",
    "cases.unreadable": "{source}: cannot be read ({reason})",
    "cases.syntax": "{source}: not valid TOML: {reason}",
    "cases.invalid": "{source}: {detail}",
    "cases.agreement": "{source}: agreements: {reason}",
    **{f"cases.{k}": v for k, v in KEYS.items()},
}
"""Problems of an agreement test file (:class:`CaseFileError`)."""

KIND = {
    "kind.payout": "{id}: payout[{index}] {kind!r} is not a payout kind",
    "kind.window_rule": "{id}: eligibility.window_rule {kind!r} is not a window rule",
    "kind.overtime": "unknown overtime method {kind!r}",
}
"""Rule kinds that no registry holds (:class:`UnknownKindError`)."""

REQUEST = {f"request.{k}": v for k, v in KEYS.items()}
"""Problems of a request to the HTTP service: its keys and values."""

TEMPLATES: dict[str, str] = {
    **REQUEST,
    **ROW,
    **FILE,
    **ARGUMENT,
    **AGREEMENT,
    **{f"agreement.{k}": v for k, v in KEYS.items()},
    **PROFILE,
    **CASES,
    **KIND,
}
"""Every problem code and its sentence."""
