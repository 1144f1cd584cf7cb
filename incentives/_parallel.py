"""Checking a large shifts file on several cores, partitioned by employee.

Every rule that looks across shifts (thresholds, attendance, double claims, limits) looks
only at one employee's rows, so the rows of different employees can be decided apart. The
file is split into partitions by a hash of the employee id; each partition is evaluated
by the scalar engine in a forked worker process, which sends back its CSV records and
totals; the records are merged in line order. The result is the serial result, byte for
byte: the same engine decides every row.

The same split serves a cluster: partition by ``employee_id``, evaluate each partition
with :func:`incentives.evaluate`, and concatenate the rows (see the payroll guide).
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import traceback
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from multiprocessing.connection import Connection, wait
from typing import Any

from ._agreement import Agreement
from ._engine import cyclic_gc_paused, evaluate
from ._errors import IncentivesError
from ._output import csv_records, write_csv
from ._report import Totals
from ._shifts import ShiftBatch
from ._time import Ambiguous

PARALLEL_FROM_ROWS = 50_000
"""Below this many rows, starting worker processes costs more than it saves."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Worker processes are forked, so they share the parsed file without copying it."""
    return "fork" in multiprocessing.get_all_start_methods()


def employee_key(values: dict[str, Any]) -> str:
    """The employee id as the engine reads it (surrounding and repeated spaces ignored)."""
    who = values.get("employee_id")
    return "" if who is None else " ".join(str(who).split())


def partition(batch: ShiftBatch, parts: int) -> list[ShiftBatch]:
    """Split ``batch`` into ``parts`` batches; all rows of one employee land in one."""
    groups: list[list[Any]] = [[] for _ in range(parts)]
    for record in batch.records:
        key = employee_key(record.values).encode("utf-8", "surrogatepass")
        groups[zlib.crc32(key) % parts].append(record)
    return [
        ShiftBatch(batch.source, batch.format, tuple(group), batch.columns, batch.claims)
        for group in groups
    ]


@dataclass(frozen=True)
class _Job:
    agreements: list[Agreement]
    as_of: date | None
    timezone: str | None
    ambiguous: Ambiguous


@dataclass(frozen=True)
class Checked:
    """A checked file: its CSV report and totals."""

    csv: str | None
    """The report's text; None when it was written straight to a file."""
    totals: Totals
    qualifying_hours: dict[int, str] | None = None
    """Line → qualifying hours of the rows the columnar engine decided, when asked for."""


def _work(job: _Job, batch: ShiftBatch, done: Any, slot: int, conn: Connection) -> None:
    """In a worker: evaluate one partition and send back its records and totals."""
    try:

        def progress(count: int, total: int) -> None:
            done[slot] = count

        report = evaluate(
            job.agreements,
            batch,
            as_of=job.as_of,
            timezone=job.timezone,
            ambiguous=job.ambiguous,
            progress=progress,
        )
        with cyclic_gc_paused():
            conn.send(("ok", csv_records(report), report.totals))
    except BaseException as exc:  # everything goes back to the parent, which reports it
        conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


def _merge(totals: Sequence[Totals]) -> Totals:
    def total(name: str) -> Decimal | None:
        values = [getattr(t, name) for t in totals]
        return None if values[0] is None else sum(values, Decimal(0))

    by_employee: dict[str, Decimal] = {}
    for t in totals:
        by_employee.update(t.by_employee)
    return Totals.model_construct(
        rows=sum(t.rows for t in totals),
        evaluated=sum(t.evaluated for t in totals),
        errors=sum(t.errors for t in totals),
        qualifying=sum(t.qualifying for t in totals),
        amount=sum((t.amount for t in totals), Decimal(0)),
        by_employee=dict(sorted(by_employee.items())),
        paid=total("paid"),
        underpaid=total("underpaid"),
        overpaid=total("overpaid"),
    )


def check_csv(
    agreements: list[Agreement],
    batch: ShiftBatch,
    *,
    workers: int,
    as_of: date | None = None,
    timezone: str | None = None,
    ambiguous: Ambiguous = "raise",
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """The CSV report of ``batch`` (as :func:`~incentives._output.report_csv` writes it),
    computed by ``workers`` forked processes, one partition of employees each."""
    # Problems with the arguments or the file as a whole are found once, here, on no rows.
    evaluate(
        agreements,
        ShiftBatch(batch.source, batch.format, (), batch.columns, batch.claims),
        as_of=as_of,
        timezone=timezone,
        ambiguous=ambiguous,
    )
    job = _Job(agreements, as_of, timezone, ambiguous)
    context = multiprocessing.get_context("fork")
    parts = partition(batch, workers)
    done = context.Array("q", workers, lock=False)
    processes: list[Any] = []
    pipes: list[Connection] = []
    for slot, part in enumerate(parts):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(job, part, done, slot, send), daemon=True)
        process.start()
        send.close()
        processes.append(process)
        pipes.append(receive)
    results: dict[int, tuple[Any, ...]] = {}
    try:
        waiting = dict(enumerate(pipes))
        while waiting:
            ready = wait(list(waiting.values()), timeout=0.2)
            if progress is not None:
                progress(sum(done[:]), len(batch))
            for slot, pipe in list(waiting.items()):
                if pipe in ready:
                    try:
                        results[slot] = pipe.recv()
                    except EOFError:
                        results[slot] = ("error", "a worker process ended unexpectedly", "")
                    del waiting[slot]
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only when a worker hangs
                process.terminate()
    for slot in range(len(parts)):
        outcome = results[slot]
        if outcome[0] != "ok":
            raise IncentivesError(
                f"evaluating partition {slot + 1} of {len(parts)} failed: {outcome[1]}"
            )
    if progress is not None:
        progress(len(batch), len(batch))
    with cyclic_gc_paused():
        merged = heapq.merge(*(results[slot][1] for slot in range(len(parts))))
        text = write_csv(merged)
    return Checked(text, _merge([results[slot][2] for slot in range(len(parts))]))
