"""Concurrent ballots on SQLite with the development settings, through a real server.

    .venv/bin/python bench/sqlite_concurrent_ballots.py [--voters 50] [--workers 3]
        [--database /tmp/ballots.sqlite3]

Migrates a fresh SQLite file (about a minute; `--database` reuses one), opens a process for
voting with one voting code per voter, serves the dev settings with `gunicorn --workers 3`,
and then, all at once: every voter enters their code (a session is written), then every
voter posts a ballot. Prints the answers per status, the ballots stored and the response
times. Before the development settings took SQLite's write lock at the start of each
transaction and waited for it, such a burst answered 500 "database is locked" (33 of 50
ballots under gunicorn with 3 workers). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = "bench" + "x" * 27  # a 32-character CSRF secret, sent as cookie and form field


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", help="SQLite file (default: a fresh one in /tmp)")
    args = parser.parse_args()
    database = Path(args.database or Path(tempfile.mkdtemp(prefix="kokeilu-bench-")) / "db")
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    options = settings.DATABASES["default"].get("OPTIONS", {})
    print(f"SQLite {database}, options {options}")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.monotonic() - started:.0f} s")
    slug, projects, codes = _voting_process(args.voters)

    port = _free_port()
    server = _serve(args.workers, port)
    try:
        _wait_for(port)
        entered = _at_once([lambda code=code: _enter_code(port, slug, code) for code in codes])
        sessions = [cookie for _status, _seconds, cookie in entered if cookie]
        _report("code entry", entered)
        cast = _at_once(
            [
                lambda n=n, cookie=cookie: _cast(port, slug, cookie, projects[n % len(projects)])
                for n, cookie in enumerate(sessions)
            ]
        )
        _report("ballot", cast)
    finally:
        server.terminate()
        server.wait(timeout=30)
    from budgeting.voting.models import Ballot

    print(f"ballots stored: {Ballot.objects.filter(process__slug=slug).count()} of {len(codes)}")
    return 0


def _voting_process(voters: int) -> tuple[str, list[int], list[str]]:
    from decimal import Decimal

    from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
    from budgeting.processes import services as processes_services
    from budgeting.processes.models import Phase
    from budgeting.voting import services as voting_services

    run = time.time_ns()  # a --database used before keeps its earlier runs
    organiser = UserFactory(username=f"bench-organiser-{run}")
    process = ProcessFactory(slug=f"bench-{run}", phase=Phase.PROPOSALS, eligibility_codes=True)
    process.organisers.add(organiser)
    projects = [
        ProjectFactory(process=process, estimated_cost=Decimal(cost), feasible=True).pk
        for cost in (20000, 30000, 40000)
    ]
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    codes = voting_services.voting_codes_issue(process=process, user=organiser, count=voters)
    return process.slug, projects, codes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(workers: int, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--no-control-socket"]
    environment = {**os.environ, "LOG_LEVEL": "ERROR"}
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _request(port, "GET", "/pb/")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def _request(port: int, method: str, path: str, data=None, cookie: str = ""):
    headers = {"Cookie": f"csrftoken={CSRF}; {cookie}", "Connection": "close"}
    body = None
    if data is not None:
        body = urlencode({"csrfmiddlewaretoken": CSRF, **data}, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        cookies = [
            value.split(";", 1)[0]
            for name, value in response.getheaders()
            if name.lower() == "set-cookie" and value.startswith("sessionid=")
        ]
        return response.status, (cookies[0] if cookies else "")
    finally:
        connection.close()


def _enter_code(port: int, slug: str, code: str):
    started = time.monotonic()
    status, cookie = _request(port, "POST", f"/pb/{slug}/vote/code/", {"code": code})
    return status, time.monotonic() - started, cookie


def _cast(port: int, slug: str, cookie: str, project: int):
    started = time.monotonic()
    status, _cookie = _request(port, "POST", f"/pb/{slug}/vote/", {"project": [project]}, cookie)
    return status, time.monotonic() - started, None


def _at_once(calls: list) -> list:
    """Run every call in its own thread, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _report(label: str, answers: list) -> None:
    statuses = Counter(status for status, _seconds, _cookie in answers)
    seconds = sorted(seconds for _status, seconds, _cookie in answers)
    errors = sum(count for status, count in statuses.items() if status >= 500)
    print(
        f"{label}: {len(answers)} at once, answers {dict(sorted(statuses.items()))}, "
        f"server errors {errors}, median {statistics.median(seconds):.2f} s, "
        f"slowest {seconds[-1]:.2f} s"
    )


if __name__ == "__main__":
    raise SystemExit(main())
