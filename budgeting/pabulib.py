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
import gzip
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from budgeting.rules import Election, Rule

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


def _source_text(source: str | bytes | Path) -> str:
    """The text of a .pb file given as text, bytes, or a path (.pb or .pb.gz)."""
    if isinstance(source, bytes):
        if source[:2] == b"\x1f\x8b":
            source = gzip.decompress(source)
        return source.decode("utf-8-sig")
    if isinstance(source, str) and ("\n" in source or source.lstrip().upper().startswith("META")):
        return source.removeprefix("\ufeff")
    path = Path(source)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
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
    text = _source_text(source)
    result = PabulibFile(meta={}, project_columns=[], vote_columns=[])
    reader = csv.reader(text.splitlines(), delimiter=";")
    section = ""
    header: list[str] = []
    seen_ids: set[str] = set()
    seen_sections: set[str] = set()
    for row in reader:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if name in SECTIONS and all(not cell.strip() for cell in row[1:]):
            if name in seen_sections:
                raise PabulibError(f"the {name.upper()} section appears twice", line)
            seen_sections.add(name)
            section = name
            try:
                header = [cell.strip() for cell in next(reader)]
            except StopIteration:
                raise PabulibError(f"the {name.upper()} section has no header line", line) from None
            if section == "projects":
                result.project_columns = header
                if "project_id" not in header or "cost" not in header:
                    raise PabulibError(
                        "the PROJECTS header must name project_id and cost", reader.line_num
                    )
            elif section == "votes":
                result.vote_columns = header
                if "vote" not in header:
                    raise PabulibError("the VOTES header must name vote", reader.line_num)
            continue
        if not section:
            raise PabulibError("expected META, PROJECTS or VOTES before any data", line)
        values = [cell.strip() for cell in row]
        if section == "meta":
            if len(values) < 2:
                raise PabulibError("a META line needs a key and a value separated by ;", line)
            if len(values) > 2 and any(values[2:]):
                raise PabulibError("a META line has more than a key and a value", line)
            result.meta[values[0]] = values[1]
            continue
        if len(values) > len(header):
            raise PabulibError(
                f"{len(values)} fields but the header names {len(header)} "
                "(quote fields that contain ;)",
                line,
            )
        values += [""] * (len(header) - len(values))
        record = dict(zip(header, values, strict=True))
        if section == "projects":
            pid = record["project_id"]
            if not pid:
                raise PabulibError("a project without project_id", line)
            if pid in seen_ids:
                raise PabulibError(f"project {pid!r} appears twice", line)
            seen_ids.add(pid)
            cost = _number(record["cost"], f"the cost of project {pid}", line)
            if cost < 0:
                raise PabulibError(f"project {pid!r} has a negative cost", line)
            result.projects.append(record)
            result.project_lines.append(line)
        else:
            result.votes.append(record)
            result.vote_lines.append(line)
    if "budget" not in result.meta:
        raise PabulibError("META has no budget")
    _number(result.meta["budget"], "budget", None)
    if "projects" not in seen_sections:
        raise PabulibError("the file has no PROJECTS section")
    return result


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


def _ballot_points(pb: PabulibFile, record: dict[str, str], line: int, known: set[str]):
    vote_type = pb.vote_type
    ids = [pid.strip() for pid in record.get("vote", "").split(",") if pid.strip()]
    for pid in ids:
        if pid not in known:
            raise PabulibError(f"the vote names an unknown project {pid!r}", line)
    if len(set(ids)) != len(ids):
        raise PabulibError("the vote names a project twice", line)
    if vote_type in APPROVAL_TYPES:
        return dict.fromkeys(ids, 1.0)
    if vote_type in POINTS_TYPES:
        raw = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
        if len(raw) != len(ids):
            raise PabulibError(f"{len(ids)} projects but {len(raw)} points", line)
        points = [_number(p, "points", line) for p in raw]
        if any(p < 0 for p in points):
            raise PabulibError("negative points", line)
        return {pid: float(p) for pid, p in zip(ids, points, strict=True)}
    # ordinal: best first; the last place a voter could fill scores 1 (Borda over max_length),
    # which reproduces the `score` column of pabulib's ordinal files
    length = max(len(ids), int(pb.meta.get("max_length") or 0))
    return {pid: float(length - position) for position, pid in enumerate(ids)}


def election_from_pabulib(pb: PabulibFile) -> PabulibElection:
    """The election a `.pb` file describes and how its META says to count it.

    Approval and choose-1 ballots count 1 per project; cumulative and scoring ballots count
    their points; ordinal ballots score by rank (Borda: with max_length m, first place m points,
    last allowed place 1). A `weight` column in VOTES, if present, weighs each ballot.
    """
    if pb.vote_type not in VOTE_TYPES:
        raise PabulibError(f"vote_type {pb.vote_type!r} is not supported")
    known = {record["project_id"] for record in pb.projects}
    ballots = []
    weights = []
    has_weights = "weight" in pb.vote_columns
    for record, line in zip(pb.votes, pb.vote_lines or [None] * len(pb.votes), strict=True):
        ballots.append(_ballot_points(pb, record, line, known))
        if has_weights:
            weight = _number(record.get("weight") or "1", "weight", line)
            if weight < 0:
                raise PabulibError("negative weight", line)
            weights.append(float(weight))
    budget = pb.budget
    projects = [
        (record["project_id"], float(_number(record["cost"], "cost", None)))
        for record in pb.projects
    ]
    election = Election.build(
        budget=float(budget),
        projects=projects,
        ballots=ballots,
        weights=weights if has_weights else None,
    )
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
