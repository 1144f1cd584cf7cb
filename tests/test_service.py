"""``incentives serve``: the real server on a loopback port, asked over real HTTP.

Every report it answers is compared with the library's report of the same input.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import incentives
from incentives import evaluate, load_agreement, read_shifts
from incentives._cli import cli
from incentives._engine import Plan, decide
from incentives._report import Report
from incentives._schemas import WHAT, json_schema
from incentives.service._requests import CheckRequest
from incentives.writers.csv import report_csv
from incentives.writers.explain import explain_text
from incentives.writers.json import report_json

EXAMPLES = Path(__file__).parent.parent / "examples"
RCP = EXAMPLES / "usw7600-rcp"
TOKEN = "s3cret-t0ken"
LIMIT = 65_536
MAX_ROWS = 10


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def ask(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body of one request (``body``: JSON, or bytes as they are)."""
        data = body if isinstance(body, bytes | bytearray) or body is None else json.dumps(body)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def post(self, path: str, body: Any, **headers: str) -> tuple[int, Any]:
        status, _, data = self.ask("POST", path, body, headers)
        return status, json.loads(data)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _started(*options: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "incentives", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    server = Server(port, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.ask("GET", "/health")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            stderr = process.stderr.read() if process.stderr else b""
            pytest.fail(f"the server did not start: {stderr.decode(errors='replace')}")
        time.sleep(0.1)
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    yield from _started()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    token_file = tmp_path_factory.mktemp("token") / "token"
    token_file.write_text(f"{TOKEN}\n", encoding="utf-8")
    options = ("--token-file", str(token_file), "--max-body-bytes", str(LIMIT))
    yield from _started(*options, "--max-rows", str(MAX_ROWS))


def _agreement_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("agreement*.toml"))]


def _library(folder: Path, shifts: Any, **options: Any) -> Report:
    agreements = [load_agreement(p) for p in sorted(folder.glob("agreement*.toml"))]
    return evaluate(agreements, shifts, **options)


def _rcp(**more: Any) -> dict[str, Any]:
    return {
        "agreements": _agreement_texts(RCP),
        "shifts": (RCP / "shifts.csv").read_text(encoding="utf-8"),
        **more,
    }


# --------------------------------------------------------------------------- reports


def test_health_names_the_version_and_the_tz_database(server: Server) -> None:
    status, data = server.ask("GET", "/health")[0], json.loads(server.ask("GET", "/health")[2])
    assert status == 200
    assert data == {"status": "ok", "version": incentives.__version__, "tzdata": "2026f"}
    assert incentives.TZDATA_VERSION == "2026f"


def test_it_listens_on_loopback_only_unless_told(server: Server) -> None:
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A"  # LISTEN
    ]
    assert f"0100007F:{server.port:04X}" in listening  # 127.0.0.1
    assert f"00000000:{server.port:04X}" not in listening  # 0.0.0.0


@pytest.mark.parametrize("folder", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_check_answers_the_librarys_report_of_every_example(server: Server, folder: str) -> None:
    path = EXAMPLES / folder
    body = {
        "agreements": _agreement_texts(path),
        "shifts": (path / "shifts.csv").read_text(encoding="utf-8"),
    }
    status, headers, data = server.ask("POST", "/check", body)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert data.decode("utf-8") == report_json(_library(path, read_shifts(path / "shifts.csv")))


def test_the_rcp_example_pays_what_the_agreement_says(server: Server) -> None:
    status, report = server.post("/check", _rcp())
    assert status == 200
    first = report["rows"][0]
    assert first["line"] == 2
    assert first["outcomes"][0]["amount"] == "300.00"  # $300 for a 12-hour shift
    assert report["totals"]["amount"] == "1950.00"
    assert report["totals"]["underpaid"] == "50.00"


def test_check_as_csv_is_the_csv_report(server: Server) -> None:
    status, headers, data = server.ask("POST", "/check", _rcp(format="csv"))
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    expected = report_csv(_library(RCP, read_shifts(RCP / "shifts.csv")))
    assert data.decode("utf-8") == expected


SHIFT = {
    "employee_id": "R101",
    "classification": "Respiratory Care Practitioner",
    "location": "Riverside Medical Center",
    "start": "2020-12-27T07:00",
    "end": "2020-12-27T19:30",
    "extra": True,
    "unpaid_break_minutes": 30,
}


def test_a_json_array_reads_as_the_same_json_lines(server: Server) -> None:
    # Item N is line N; a number is an exact decimal (299.99 is not a float's 299.98999...).
    shifts = [
        {**SHIFT, "paid": 299.99},
        {**SHIFT, "employee_id": "R102", "paid": "300.00", "fte": 0.9},
        "not an object",
        {**SHIFT, "employee_id": "R103", "EMPLOYEE_ID": "R104"},
    ]
    status, report = server.post("/check", {"agreements": _agreement_texts(RCP), "shifts": shifts})
    assert status == 200
    jsonl = "".join(json.dumps(s) + "\n" for s in shifts)
    batch = read_shifts(io.StringIO(jsonl), input_format="jsonl")
    assert report == json.loads(report_json(_library(RCP, batch)))
    assert [r["line"] for r in report["rows"]] == [1, 2]
    assert report["rows"][0]["difference"] == "0.01"  # 300.00 owed, 299.99 paid
    assert [(e["line"], e["message"]) for e in report["errors"]] == [
        (3, "not a JSON object"),
        (4, "the key 'employee_id' is given twice"),
    ]


def test_shifts_as_json_lines_text_and_with_a_delimiter(server: Server) -> None:
    jsonl = "".join(json.dumps(s) + "\n" for s in [SHIFT, {**SHIFT, "employee_id": "R102"}])
    body = {"agreements": _agreement_texts(RCP), "shifts": jsonl, "shifts_format": "jsonl"}
    status, report = server.post("/check", body)
    assert status == 200
    assert report["totals"]["amount"] == "600.00"
    csv = (RCP / "shifts.csv").read_text(encoding="utf-8").replace(",", ";")
    status, report = server.post("/check", _rcp(shifts=csv, delimiter=";"))
    assert status == 200
    assert report["totals"]["amount"] == "1950.00"


def test_options_as_of_timezone_and_ambiguous_are_the_librarys(server: Server) -> None:
    folder = EXAMPLES / "unac-uhcp-winter-2020"
    options = {"as_of": "2020-12-01", "timezone": "America/Los_Angeles", "ambiguous": "later"}
    body = {
        "agreements": _agreement_texts(folder),
        "shifts": (folder / "shifts.csv").read_text(encoding="utf-8"),
        **options,
    }
    status, _, data = server.ask("POST", "/check", body)
    assert status == 200
    expected = _library(folder, read_shifts(folder / "shifts.csv"), **options)
    assert data.decode("utf-8") == report_json(expected)
    assert json.loads(data)["as_of"] == "2020-12-01"


def test_explain_gives_the_words_of_explain_and_the_row(server: Server) -> None:
    status, answer = server.post("/explain", _rcp(line=3))
    assert status == 200
    agreements = [load_agreement(RCP / "agreement.toml")]
    plan = Plan.of(agreements, None, None, "raise")
    report = Report.of(decide(plan, read_shifts(RCP / "shifts.csv"), lines=[3]))
    assert answer["text"] == explain_text(report, 3, agreements, "shifts")
    assert answer["text"].startswith("Line 3 of shifts: employee R102")
    assert answer["row"] == report.row_data(3)
    status, refused = server.post("/explain", _rcp(line=99))
    assert (status, refused["error"]["code"]) == (422, "request.line")


def test_validate_lists_every_problem_and_ids_given_twice(server: Server) -> None:
    good = _agreement_texts(RCP)[0]
    bad = good.replace('amount = "300.00"', 'amount = "-100"')
    assert bad != good
    status, answer = server.post("/validate", {"agreements": [good, good, bad]})
    assert status == 200
    assert answer["valid"] is False
    first, second, third = answer["agreements"]
    assert (first["valid"], first["id"], first["problems"]) == (True, "usw7600-rcp", [])
    assert second["problems"] == ["id 'usw7600-rcp' is also the id of agreements[0]"]
    assert third["valid"] is False
    assert any(p.startswith("payout[") and "-100" in p for p in third["problems"])
    status, answer = server.post("/validate", {"agreements": [good]})
    assert (status, answer["valid"]) == (200, True)


@pytest.mark.parametrize("what", WHAT)
def test_schemas_are_the_commands(server: Server, what: str) -> None:
    status, _, data = server.ask("GET", f"/schema/{what}")
    assert status == 200
    assert json.loads(data) == json_schema(what)  # type: ignore[arg-type]


def test_openapi_describes_the_requests_and_the_report(server: Server) -> None:
    status, _, data = server.ask("GET", "/openapi.json")
    assert status == 200
    document = json.loads(data)
    assert set(document["paths"]) == {
        "/health",
        "/schema/{what}",
        "/validate",
        "/check",
        "/explain",
    }
    body = document["paths"]["/check"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/CheckRequest"}
    schemas = document["components"]["schemas"]
    made = CheckRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    assert schemas["CheckRequest"] == made
    # The report /check answers is valid against the report the document describes.
    report = json.loads(server.ask("POST", "/check", _rcp())[2])
    jsonschema.validate(report, {**schemas["Report"], "components": document["components"]})
    refusal = document["paths"]["/check"]["post"]["responses"]["422"]
    assert refusal["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("body", "code", "said"),
    [
        (b"{", "request.json", "the body is not valid JSON"),
        (b"\xff\xfe{", "request.json", "the body is not valid JSON"),
        (b"{\n  x", "request.json", "line 2, column 3"),
        (b'{"shifts": [' + b"9" * 5000 + b"]}", "request.json", "more than 4300 digits"),
        (b"[" * 100_000, "request.json", "nested too deeply"),
        (b"[1, 2]", "request.json", "the body must be a JSON object"),
        (b'{"agreements": []}', "request.invalid", "the request is not valid"),
    ],
)
def test_malformed_bodies_are_refused_with_a_code(
    server: Server, body: bytes, code: str, said: str
) -> None:
    status, answer = server.post("/check", body)
    assert status == 422
    assert answer["error"]["code"] == code
    assert said in answer["error"]["message"]


def test_an_unknown_key_of_a_request_is_named(server: Server) -> None:
    status, answer = server.post("/check", _rcp(as_off="2021-01-01"))
    assert (status, answer["error"]["code"]) == (422, "request.invalid")
    assert answer["error"]["problems"] == ["as_off: unknown key (is it misspelt?)"]
    assert answer["error"]["details"] == [
        {
            "code": "request.key.unknown",
            "message": "as_off: unknown key (is it misspelt?)",
            "values": {"key": "as_off"},
        }
    ]


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        (
            {"agreements": ['id = "x"']},
            [
                ("agreement.key.missing", k)
                for k in ("title", "timezone", "windows", "eligibility", "payout")
            ],
        ),
        (
            {"shifts": "employee_id,start\nR1,2020-12-27T07:00\n"},
            [("file.missing_columns", None)],
        ),
        ({"timezone": "Mars/Olympus"}, [("argument.timezone", None)]),
        ({"profile": "no-such-system"}, []),
    ],
)
def test_each_problem_of_a_refusal_has_its_code_and_values(
    server: Server, change: dict[str, Any], codes: list[tuple[str, str | None]]
) -> None:
    status, answer = server.post("/check", _rcp(**change))
    assert status == 422
    details = answer["error"]["details"]
    assert [(d["code"], d["values"].get("key")) for d in details] == codes
    assert [d["message"] for d in details] == (answer["error"]["problems"] if codes else [])


@pytest.mark.parametrize(
    ("change", "code", "said"),
    [
        ({"agreements": ['id = "x"']}, "agreement.invalid", "agreements[0]: title: required"),
        (
            {"shifts": "employee_id,start\nR1,2020-12-27T07:00\n"},
            "shifts.invalid",
            "shifts: missing required columns classification, end",
        ),
        ({"timezone": "Mars/Olympus"}, "options.invalid", "timezone"),
        ({"profile": "no-such-system"}, "request.profile", "not a bundled profile"),
    ],
)
def test_inputs_that_cannot_be_decided_are_refused(
    server: Server, change: dict[str, Any], code: str, said: str
) -> None:
    status, answer = server.post("/check", _rcp(**change))
    assert status == 422
    assert answer["error"]["code"] == code
    assert any(said in p for p in answer["error"]["problems"])


def test_a_path_in_a_request_is_text_never_a_file(server: Server) -> None:
    shifts = str(RCP / "shifts.csv")
    status, answer = server.post("/check", _rcp(shifts=shifts))
    assert (status, answer["error"]["code"]) == (422, "shifts.invalid")
    assert "R101" not in json.dumps(answer)
    status, answer = server.post("/check", _rcp(agreements=[str(RCP / "agreement.toml")]))
    assert (status, answer["error"]["code"]) == (422, "agreement.invalid")
    assert "not valid TOML" in answer["error"]["problems"][0]


def test_unknown_endpoints_and_methods_answer_in_the_same_shape(server: Server) -> None:
    status, _, data = server.ask("GET", "/nowhere")
    assert (status, json.loads(data)["error"]["code"]) == (404, "request.not_found")
    status, _, data = server.ask("GET", "/check")
    assert (status, json.loads(data)["error"]["code"]) == (405, "request.method")
    status, _, data = server.ask("GET", "/schema/everything")
    assert (status, json.loads(data)["error"]["code"]) == (404, "request.not_found")


# --------------------------------------------------------------------------- token and limits


def _small(rows: int) -> dict[str, Any]:
    shifts = [{**SHIFT, "employee_id": f"E{i}"} for i in range(rows)]
    return {"agreements": _agreement_texts(RCP), "shifts": shifts}


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_a_token_is_needed_when_one_is_set(guarded: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        status, answered, data = guarded.ask("POST", "/check", _small(1), headers)
        assert status == 401
        assert answered["www-authenticate"] == "Bearer"
        assert json.loads(data)["error"]["code"] == "request.unauthorized"
    assert guarded.ask("GET", "/schema/shifts")[0] == 401
    assert guarded.ask("GET", "/health")[0] == 200
    status, report = guarded.post("/check", _small(1), **BEARER)
    assert (status, report["totals"]["amount"]) == (200, "300.00")


def test_a_body_over_the_limit_is_refused_whether_declared_or_streamed(guarded: Server) -> None:
    big = json.dumps({**_small(1), "timezone": "x" * LIMIT}).encode()
    status, answer = guarded.post("/check", big, **BEARER)
    assert (status, answer["error"]["code"]) == (413, "request.too_large")
    assert answer["error"]["message"] == f"the body is larger than {LIMIT:,} bytes"
    connection = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=60)
    try:
        chunks = (big[i : i + 4096] for i in range(0, len(big), 4096))
        connection.request("POST", "/check", body=chunks, headers=BEARER, encode_chunked=True)
        answered = connection.getresponse()
        assert answered.status == 413
        assert json.loads(answered.read())["error"]["code"] == "request.too_large"
    finally:
        connection.close()


def test_more_rows_than_the_limit_are_refused(guarded: Server) -> None:
    status, report = guarded.post("/check", _small(MAX_ROWS), **BEARER)
    assert (status, report["totals"]["rows"]) == (200, MAX_ROWS)
    status, answer = guarded.post("/check", _small(MAX_ROWS + 1), **BEARER)
    assert (status, answer["error"]["code"]) == (413, "request.rows")
    assert answer["error"]["message"] == "the shifts have 11 rows; at most 10 per request"


def test_fifty_concurrent_clients_each_get_their_own_report(server: Server) -> None:
    def body(i: int) -> dict[str, Any]:
        shifts = [{**SHIFT, "employee_id": f"C{i}", "paid": f"{i}.00"}]
        if i % 2:  # half of them: a second, 8-hour shift
            shifts.append(
                {
                    **SHIFT,
                    "employee_id": f"C{i}",
                    "start": "2020-12-28T07:00",
                    "end": "2020-12-28T15:30",
                }
            )
        return {"agreements": _agreement_texts(RCP), "shifts": shifts}

    def asked(i: int) -> tuple[int, bytes]:
        status, _, data = server.ask("POST", "/check", body(i))
        return status, data

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(asked, range(50)))
    assert time.monotonic() - started < 60
    for i, (status, data) in enumerate(answers):
        assert status == 200
        shifts = body(i)["shifts"]
        jsonl = "".join(json.dumps(s) + "\n" for s in shifts)
        batch = read_shifts(io.StringIO(jsonl), input_format="jsonl")
        assert data.decode("utf-8") == report_json(_library(RCP, batch))
        report = json.loads(data)
        assert report["totals"]["by_employee"] == {f"C{i}": "500.00" if i % 2 else "300.00"}


def test_serve_refuses_an_empty_token_file(tmp_path: Path) -> None:
    empty = tmp_path / "token"
    empty.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--token-file", str(empty)])
    assert result.exit_code == 2
    assert f"{empty}: holds no token" in result.output


def test_every_refusal_code_is_listed_in_the_errors_reference() -> None:
    from typing import get_args

    from incentives.service import CODES
    from incentives.service._answers import Code

    assert set(get_args(Code)) == set(CODES)
    text = (Path(__file__).parent.parent / "docs" / "reference" / "errors.md").read_text("utf-8")
    section = text.split("## The HTTP service", 1)[1]
    assert set(re.findall(r"^\| `([a-z_.]+)` \|", section, re.MULTILINE)) == set(CODES)
