"""What ``edi837 ack`` shows: every answer of the files read, tied to what was sent, for people
(table) and scripts (JSON, CSV), written as the answers stream out of the ledger.

JSON is one document (``edi837/schemas/ack.schema.json``): the answers first, then each file
(what happened to it, its counts and warnings) and the totals. CSV is one row per answer. Text
cells are made safe for a terminal or a spreadsheet (render/safety.py). Nothing here names a
member: the answers carry claim IDs, codes and control numbers only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any, TextIO

import attrs

from edi837.ledger.acks import RecordedAnswer
from edi837.render.issues import issue_data
from edi837.render.safety import csv_text, terminal_line, terminal_text
from edi837.services.acks import AckRun

SCHEMA_VERSION = 1


@attrs.define
class FileCounts:
    """One file's answers (line answers are details of their claim's, not counted)."""

    name: str  # as given on the command line
    file_id: int = attrs.field(metadata={"hidden": True})
    status: str  # recorded, would_record, already_recorded
    recorded_on: str | None
    answers: int = 0
    accepted: int = 0
    rejected: int = 0
    unmatched: int = 0
    test: int = 0

    def add(self, answer: RecordedAnswer) -> None:
        if answer.scope == "line":
            return
        self.answers += 1
        self.test += answer.test
        if not answer.matched:
            self.unmatched += 1
        elif answer.outcome == "rejected":
            self.rejected += 1
        else:
            self.accepted += 1


class AckView:
    """The run's answers, streamed once, with each file's counts filled in as they pass."""

    def __init__(self, run: AckRun) -> None:
        self.run = run
        status = "would_record" if run.dry_run else "recorded"
        self.files = [
            FileCounts(name, file_id, status if when is None else "already_recorded", when)
            for name, file_id, when in run.tally.seen
        ]
        # a file named twice (or a copy of one) is counted once, under its first name
        self.by_id: dict[int, FileCounts] = {}
        for counts in self.files:
            self.by_id.setdefault(counts.file_id, counts)

    def answers(self) -> Iterator[RecordedAnswer]:
        for answer in self.run.answers():
            self.by_id[answer.file_id].add(answer)
            yield answer

    def totals(self) -> dict[str, int]:
        out = {"files": len(self.files), "files_already_recorded": self.run.tally.files_already}
        for key in ("answers", "accepted", "rejected", "unmatched", "test"):
            out[key] = sum(getattr(f, key) for f in self.by_id.values())
        return out


def sent_as(answer: RecordedAnswer) -> str:
    """What of ours the answer is about, in words."""
    if not answer.matched:
        return "nothing we sent"
    if answer.scope == "line":
        return f"line {answer.line_id}"
    if answer.claim_id is not None:
        text = f"claim {answer.claim_id}"
        return text + (
            f" (payer claim {answer.payer_claim_number})" if answer.payer_claim_number else ""
        )
    batch = f"batch {answer.batch_isa13:09d}" if answer.batch_isa13 is not None else "batch ?"
    if answer.st02 is not None:
        return f"{batch} set {answer.st02:04d}"
    name = PurePath(answer.batch_file).name if answer.batch_file else ""
    return f"{batch} ({name})" if name else batch


def answer_data(answer: RecordedAnswer, file: str) -> dict[str, Any]:
    sent = None
    if answer.batch_isa13 is not None:
        sent = {
            "isa13": f"{answer.batch_isa13:09d}",
            "file": answer.batch_file,
            "st02": f"{answer.st02:04d}" if answer.st02 is not None else None,
        }
    return {
        "file": file,
        "seq": answer.seq,
        "source": answer.source,
        "scope": answer.scope,
        "reference": answer.reference,
        "outcome": answer.outcome,
        "test": answer.test,
        "matched": answer.matched,
        "sent": sent,
        "claim_id": answer.claim_id,
        "line_id": answer.line_id,
        "payer_claim_number": answer.payer_claim_number or None,
        "answered_on": answer.answered_on,
        "codes": [{"code": code, "words": words} for code, words in answer.codes],
    }


def file_data(counts: FileCounts, run: AckRun) -> dict[str, Any]:
    data = attrs.asdict(counts, filter=lambda field, _value: not field.metadata.get("hidden"))
    data["warnings"] = [issue_data(issue) for issue in run.issues.get(counts.name, ())]
    return data


# -- the formats ------------------------------------------------------------------------------------
def write_json(out: TextIO, view: AckView, as_of: str) -> None:
    out.write(
        f'{{"schema_version": {SCHEMA_VERSION}, "as_of": {json.dumps(as_of)}, '
        f'"dry_run": {json.dumps(view.run.dry_run)}, "answers": ['
    )
    for index, answer in enumerate(view.answers()):
        data = answer_data(answer, view.by_id[answer.file_id].name)
        out.write(("," if index else "") + "\n  " + json.dumps(data))
    out.write("\n]")
    tail = {"files": [file_data(f, view.run) for f in view.files], "totals": view.totals()}
    for key, value in tail.items():
        out.write(f", {json.dumps(key)}: {json.dumps(value, indent=2)}")
    out.write("}\n")


CSV_COLUMNS = (
    "file",
    "seq",
    "source",
    "scope",
    "reference",
    "outcome",
    "test",
    "matched",
    "sent_isa13",
    "sent_st02",
    "claim_id",
    "line_id",
    "payer_claim_number",
    "answered_on",
    "codes",
)


def write_csv(out: TextIO, view: AckView, as_of: str) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for answer in view.answers():
        name = view.by_id[answer.file_id].name
        data = answer_data(answer, name)
        sent = data["sent"] or {}
        codes = "; ".join(f"{c['code']} {c['words']}".strip() for c in data["codes"])
        writer.writerow(
            [
                csv_text(name),
                answer.seq,
                answer.source,
                answer.scope,
                csv_text(answer.reference),
                answer.outcome,
                "yes" if answer.test else "no",
                "yes" if answer.matched else "no",
                sent.get("isa13", ""),
                sent.get("st02") or "",
                csv_text(answer.claim_id),
                csv_text(answer.line_id),
                csv_text(answer.payer_claim_number),
                answer.answered_on or "",
                csv_text(codes),
            ]
        )


def write_table(out: TextIO, view: AckView, as_of: str) -> None:
    """Per file, each answer on a line (source, what it names, what of ours, the outcome), its
    codes in words below it; then the unmatched answers and the totals."""
    current = None
    unmatched: list[RecordedAnswer] = []
    for answer in view.answers():
        if answer.file_id != current:
            current = answer.file_id
            counts = view.by_id[answer.file_id]
            status = counts.status.replace("_", " ")
            when = f" on {counts.recorded_on[:10]}" if counts.recorded_on else ""
            out.write(f"{terminal_text(counts.name)}: {status}{when}\n")
        if not answer.matched and answer.scope != "line":
            unmatched.append(answer)
        indent = "      " if answer.scope == "line" else "  "
        mark = " (test)" if answer.test else ""
        out.write(
            f"{indent}{answer.source:<5} {answer.scope:<11} {terminal_text(answer.reference)}"
            f" -> {terminal_text(sent_as(answer))}: {answer.outcome}{mark}\n"
        )
        for code, words in answer.codes:
            text = f"{code:<9} {words}" if words else code
            out.write(f"{indent}      {terminal_text(text)}\n")
    if unmatched:
        out.write(f"\nunmatched: {len(unmatched)} answer(s) name nothing this ledger sent\n")
        for answer in unmatched:
            name = view.by_id[answer.file_id].name
            out.write(
                f"  {answer.source} {answer.scope} {terminal_text(answer.reference)} "
                f"({terminal_text(name)})\n"
            )
    totals = view.totals()
    out.write(
        f"\n{totals['answers']} answer(s) in {totals['files']} file(s): {totals['accepted']} "
        f"accepted, {totals['rejected']} rejected, {totals['unmatched']} unmatched"
        + (f"; {totals['test']} test answer(s) (ISA15=T)" if totals["test"] else "")
        + "\n"
    )
    if totals["answers"]:
        out.write("where each claim stands now: edi837 claims\n")


FORMATS: dict[str, Callable[[TextIO, AckView, str], None]] = {
    "table": write_table,
    "json": write_json,
    "csv": write_csv,
}


def summary(view: AckView) -> Iterator[str]:
    """What ``edi837 ack`` says on standard error: each file's fate and warnings, then the run."""
    run = view.run
    for counts in view.files:
        if counts.status == "already_recorded":
            when = (counts.recorded_on or "")[:10]
            yield f"{counts.name}: already recorded on {when}; nothing changed"
        for issue in run.issues.get(counts.name, ()):
            yield terminal_line(issue.render())  # it names the payer's claim IDs, as sent
    tally = run.tally
    verb = "would record" if run.dry_run else "recorded"
    yield (
        f"{verb} {tally.answers} answer(s) from {tally.files} file(s) ({tally.files_already} "
        f"already recorded): {tally.accepted} accepted, {tally.rejected} rejected, "
        f"{tally.unmatched} unmatched, {tally.test} test"
        + ("; nothing was recorded" if run.dry_run else "")
    )
