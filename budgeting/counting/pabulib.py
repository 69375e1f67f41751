"""Read and write participatory budgeting elections in the pabulib `.pb` format.

A `.pb` file has three sections, each a line with its name and then a header line:

    META                        PROJECTS                       VOTES
    key;value                   project_id;cost;votes;...      voter_id;vote;points;...
    budget;1000000              p1;250000;12;...               v1;p1,p2;3,2
    vote_type;cumulative        ...                            ...

Fields are separated by `;` and may be quoted with `"` (a quote inside a quoted field is
doubled), exactly as pabulib's own parser (pabutools) reads them with Python's csv module; every
value is stripped of surrounding spaces. Vote lists are comma-separated project ids; cumulative
and scoring ballots have a matching comma-separated `points` list; ordinal ballots list projects
best first. See https://pabulib.org/format (Faliszewski et al. 2023, "Participatory Budgeting:
Data, Tools and Analysis", IJCAI).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from budgeting.counting.election import Election
from budgeting.counting.registry import Rule

SECTIONS = ("meta", "projects", "votes")
APPROVAL_TYPES = ("approval", "choose-1")
POINTS_TYPES = ("cumulative", "scoring")
ORDINAL_TYPES = ("ordinal",)
VOTE_TYPES = APPROVAL_TYPES + POINTS_TYPES + ORDINAL_TYPES


class PabulibError(ValueError):
    """A file that is not valid pabulib; `line` is the 1-based line number (None: whole file)."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class PabulibFile:
    """A parsed `.pb` file: its sections as strings, in file order."""

    meta: dict[str, str] = field(default_factory=dict)
    project_columns: list[str] = field(default_factory=lambda: ["project_id", "cost"])
    projects: list[dict[str, str]] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=lambda: ["voter_id", "vote"])
    votes: list[dict[str, str]] = field(default_factory=list)
    # where each project and vote row was in the file, for error messages (not compared)
    project_lines: list[int] = field(default_factory=list, compare=False, repr=False)
    vote_lines: list[int] = field(default_factory=list, compare=False, repr=False)

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def rule_name(self) -> str:
        return self.meta.get("rule", "").strip()

    @property
    def budget(self) -> Fraction:
        return _number(self.meta.get("budget", ""), "budget", None)


def _number(text: str, what: str, line: int | None) -> Fraction:
    try:
        return Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} {text!r} is not a number", line) from None


def _gunzip(data: bytes) -> bytes:
    import gzip  # only for .pb.gz files: start-up of the command line stays short

    return gzip.decompress(data)


def _source_text(source: str | bytes | Path) -> str:
    """The text of a .pb file given as text, bytes, or a path (.pb or .pb.gz)."""
    if isinstance(source, bytes):
        if source[:2] == b"\x1f\x8b":
            source = _gunzip(source)
        return source.decode("utf-8-sig")
    if isinstance(source, str) and ("\n" in source or source.lstrip().upper().startswith("META")):
        return source.removeprefix("\ufeff")
    path = Path(source)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PabulibError(f"{path.name} is not UTF-8 text ({error.reason})") from None


def pabulib_read(source: str | bytes | Path) -> PabulibFile:
    """Parse a `.pb` file from its text, bytes, or a path (gzip-compressed files too).

    Raises PabulibError, with the line number, for anything pabulib tools could not read: rows
    outside a section, a missing header, a row longer than its header, duplicate project ids,
    a missing or non-numeric budget or cost.
    """
    reader = csv.reader(_source_text(source).splitlines(), delimiter=";")
    parser = _Parser()
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if name in SECTIONS and all(not cell.strip() for cell in row[1:]):
            parser.section_open(name, reader.line_num)
            try:
                header = next(reader)
            except StopIteration:
                raise PabulibError(
                    f"the {name.upper()} section has no header line", reader.line_num
                ) from None
            parser.header_read([cell.strip() for cell in header], reader.line_num)
        else:
            parser.row_read([cell.strip() for cell in row], reader.line_num)
    return parser.finish()


class _Parser:
    """The state of `pabulib_read`: the file so far and the section being read."""

    def __init__(self) -> None:
        self.result = PabulibFile(meta={}, project_columns=[], vote_columns=[])
        self.section = ""
        self.header: list[str] = []
        self.seen_ids: set[str] = set()
        self.seen_sections: set[str] = set()

    def section_open(self, name: str, line: int) -> None:
        if name in self.seen_sections:
            raise PabulibError(f"the {name.upper()} section appears twice", line)
        self.seen_sections.add(name)
        self.section = name

    def header_read(self, header: list[str], line: int) -> None:
        self.header = header
        if self.section == "projects":
            self.result.project_columns = header
            if "project_id" not in header or "cost" not in header:
                raise PabulibError("the PROJECTS header must name project_id and cost", line)
        elif self.section == "votes":
            self.result.vote_columns = header
            if "vote" not in header:
                raise PabulibError("the VOTES header must name vote", line)

    def row_read(self, values: list[str], line: int) -> None:
        if not self.section:
            raise PabulibError("expected META, PROJECTS or VOTES before any data", line)
        if self.section == "meta":
            self.meta_read(values, line)
            return
        header = self.header
        if len(values) > len(header):
            raise PabulibError(
                f"{len(values)} fields but the header names {len(header)} "
                "(quote fields that contain ;)",
                line,
            )
        values += [""] * (len(header) - len(values))
        record = dict(zip(header, values, strict=True))
        if self.section == "projects":
            self.project_read(record, line)
        else:
            self.result.votes.append(record)
            self.result.vote_lines.append(line)

    def meta_read(self, values: list[str], line: int) -> None:
        if len(values) < 2:
            raise PabulibError("a META line needs a key and a value separated by ;", line)
        if len(values) > 2 and any(values[2:]):
            raise PabulibError("a META line has more than a key and a value", line)
        self.result.meta[values[0]] = values[1]

    def project_read(self, record: dict[str, str], line: int) -> None:
        pid = record["project_id"]
        if not pid:
            raise PabulibError("a project without project_id", line)
        if pid in self.seen_ids:
            raise PabulibError(f"project {pid!r} appears twice", line)
        self.seen_ids.add(pid)
        cost = _number(record["cost"], f"the cost of project {pid}", line)
        if cost < 0:
            raise PabulibError(f"project {pid!r} has a negative cost", line)
        self.result.projects.append(record)
        self.result.project_lines.append(line)

    def finish(self) -> PabulibFile:
        if "budget" not in self.result.meta:
            raise PabulibError("META has no budget")
        _number(self.result.meta["budget"], "budget", None)
        if "projects" not in self.seen_sections:
            raise PabulibError("the file has no PROJECTS section")
        return self.result


def _clean(value: object) -> str:
    # pabulib is one record per line and strips values: keep what a reader gets back
    return " ".join(str(value).splitlines()).strip()


def pabulib_write(pb: PabulibFile) -> str:
    """The `.pb` text of `pb`. Fields containing `;` or quotes are quoted (quotes doubled), so
    `pabulib_read(pabulib_write(pb)) == pb`. Line breaks inside values become spaces."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in pb.meta.items():
        writer.writerow([_clean(key), _clean(value)])
    writer.writerow(["PROJECTS"])
    writer.writerow([_clean(c) for c in pb.project_columns])
    for record in pb.projects:
        writer.writerow([_clean(record.get(c, "")) for c in pb.project_columns])
    writer.writerow(["VOTES"])
    writer.writerow([_clean(c) for c in pb.vote_columns])
    for record in pb.votes:
        writer.writerow([_clean(record.get(c, "")) for c in pb.vote_columns])
    return out.getvalue()


@dataclass(frozen=True)
class PabulibElection:
    """What a `.pb` file says about how to count it."""

    election: Election
    rule: Rule | None  # None: META names no rule this project implements (see rule_name)
    rule_name: str  # META's rule, as written
    threshold: float  # META min_project_score_threshold (0: none)
    tie_break: tuple[str, ...]  # () : lower cost first, then file order
    budget: Fraction
    # the official winners (PROJECTS column `selected` not 0), None if the file has no such column
    official: tuple[str, ...] | None
    vote_type: str


def _points(text: str, line: int) -> float:
    return float(text) if text.isdigit() else float(_number(text, "points", line))


def _ballot_entries(
    vote_type: str, max_length: int, record: dict[str, str], line: int, index: dict[str, int]
) -> tuple[list[int], list[float] | None]:
    """The projects a vote names (their indices in `index`) and the points it gives them
    (None: one each, an approval). `max_length` matters for ordinal ballots only."""
    vote = record.get("vote", "")
    if vote.isprintable() and " " not in vote and ",," not in vote:  # no blanks to strip
        ids = vote.strip(",").split(",") if vote.strip(",") else []
    else:
        ids = [pid.strip() for pid in vote.split(",") if pid.strip()]
    try:
        cols = [index[pid] for pid in ids]
    except KeyError as error:
        raise PabulibError(f"the vote names an unknown project {error.args[0]!r}", line) from None
    if len(set(cols)) != len(cols):
        raise PabulibError("the vote names a project twice", line)
    if vote_type in APPROVAL_TYPES:
        return cols, None
    if vote_type in POINTS_TYPES:
        raw = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
        if len(raw) != len(ids):
            raise PabulibError(f"{len(ids)} projects but {len(raw)} points", line)
        points = [_points(p, line) for p in raw]
        if any(p < 0 for p in points):
            raise PabulibError("negative points", line)
        return cols, points
    # ordinal: best first; the last place a voter could fill scores 1 (Borda over max_length),
    # which reproduces the `score` column of pabulib's ordinal files
    length = max(len(ids), max_length)
    return cols, [float(length - position) for position in range(len(ids))]


def _election(pb: PabulibFile) -> Election:
    index = {record["project_id"]: j for j, record in enumerate(pb.projects)}
    cols: list[int] = []
    vals: list[float] = []
    lengths: list[int] = []
    weights: list[float] = []
    has_weights = "weight" in pb.vote_columns
    vote_type = pb.vote_type
    ordinal = vote_type in ORDINAL_TYPES and bool(pb.votes)
    max_length = int(pb.meta.get("max_length") or 0) if ordinal else 0
    for record, line in zip(pb.votes, pb.vote_lines or [0] * len(pb.votes), strict=True):
        ballot_cols, ballot_vals = _ballot_entries(vote_type, max_length, record, line, index)
        cols.extend(ballot_cols)
        lengths.append(len(ballot_cols))
        if ballot_vals is not None:
            vals.extend(ballot_vals)
        if has_weights:
            weight = _number(record.get("weight") or "1", "weight", line)
            if weight < 0:
                raise PabulibError("negative weight", line)
            weights.append(float(weight))
    projects = [
        (record["project_id"], float(_number(record["cost"], "cost", None)))
        for record in pb.projects
    ]
    return Election.from_entries(
        budget=float(pb.budget),
        projects=projects,
        voters=len(lengths),
        rows=np.repeat(np.arange(len(lengths)), lengths),
        cols=cols,
        vals=np.ones(len(cols)) if vote_type in APPROVAL_TYPES else vals,
        weights=weights if has_weights else None,
    )


def election_from_pabulib(pb: PabulibFile) -> PabulibElection:
    """The election a `.pb` file describes and how its META says to count it.

    Approval and choose-1 ballots count 1 per project; cumulative and scoring ballots count
    their points; ordinal ballots score by rank (Borda: with max_length m, first place m points,
    last allowed place 1). A `weight` column in VOTES, if present, weighs each ballot.
    """
    if pb.vote_type not in VOTE_TYPES:
        raise PabulibError(f"vote_type {pb.vote_type!r} is not supported")
    election = _election(pb)
    budget = pb.budget
    try:
        rule = Rule(pb.rule_name)
    except ValueError:
        rule = None
    threshold_text = pb.meta.get("min_project_score_threshold", "").strip()
    threshold = (
        float(_number(threshold_text, "min_project_score_threshold", None))
        if (threshold_text)
        else 0.0
    )
    official = None
    if "selected" in pb.project_columns:
        official = tuple(
            record["project_id"]
            for record in pb.projects
            if record.get("selected", "").strip() not in ("", "0")
        )
    return PabulibElection(
        election=election,
        rule=rule,
        rule_name=pb.rule_name,
        threshold=threshold,
        tie_break=(),
        budget=budget,
        official=official,
        vote_type=pb.vote_type,
    )
