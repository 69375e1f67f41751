"""Rate limits hold across app server processes, behind a proxy, as the README deploys the site.

A real `gunicorn --workers 3` serves the production settings with PostgreSQL (the test
database), a Redis cache (`KOKEILU_TEST_REDIS_URL`; `.ci/run` starts a throwaway one) and
`TRUSTED_PROXY_COUNT=1`. Requests arrive in waves of three connections at once (see `_send`),
so that all three workers count at the same time; each carries the `X-Forwarded-For` a proxy
would add.

Before the fix, every worker counted in its own memory and saw only the proxy's address: 30 of
48 sign-ups got through against 10 an hour, 19 of 30 comments against 5 per 5 minutes,
15-18 wrong passwords before the lock-out against 5, and a spray locked out other users.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPResponse
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from tests.production_processes import mail_sink_running, postgres_url_of_test_database

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
PASSWORD = "correct horse battery staple"  # network.factories.PASSWORD
LOCKED = "Too many failed login attempts"
CSRF = "probe" + "x" * 27  # a 32-character CSRF secret, sent as cookie and form field

# Transactional: what the tests create is committed, so that the server sees it (it shares the
# test database), and flushed after each test like every transactional test's data, which
# pytest-django runs after the others.
pytestmark = pytest.mark.django_db(transaction=True)


def _needs(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("KOKEILU_TEST_REDIS_URL")
    if not url:
        _needs(
            "KOKEILU_TEST_REDIS_URL is not set: the probe needs a Redis server "
            "(e.g. KOKEILU_TEST_REDIS_URL=redis://127.0.0.1:6379/5; .ci/run starts one)"
        )
    return url


@pytest.fixture(scope="module")
def database_url(django_db_setup, django_db_blocker) -> str:
    return postgres_url_of_test_database(
        reason="production settings refuse SQLite: the probe runs in the PostgreSQL run"
    )


@pytest.fixture(scope="module")
def mail_port() -> Iterator[int]:
    """Takes the sign-up confirmations and throws them away."""
    with mail_sink_running() as sink:
        yield sink.port


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(database_url, redis_url, mail_port, tmp_path_factory) -> Iterator[str]:
    """`gunicorn portal.wsgi --workers 3` on the production settings; yields host:port."""
    port = _free_port()
    static_root = tmp_path_factory.mktemp("static")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "KOKEILU_")) and key not in {"DEBUG", "CI"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CACHE_URL=redis_url,
        # counts of an earlier run (same user ids, same addresses) must not carry over
        CACHE_KEY_PREFIX=f"probe-{secrets.token_hex(6)}",
        TRUSTED_PROXY_COUNT="1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(static_root),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_port),
        SEARCH_URL="database",
        # no worker runs here: the sign-up mails go out in the request, to the sink
        TASKS_BACKEND="immediate",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=300,
    )
    log = (tmp_path_factory.mktemp("gunicorn") / "log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", str(WORKERS)]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--no-control-socket"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _send(address, [Request("GET", "/en/accounts/login/", "192.0.2.250")]):
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not start:\n{log.read()[-4000:]}")
            time.sleep(0.3)
        yield address
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        errors = [line for line in log.read().splitlines() if "Traceback" in line]
        log.close()
        assert not errors, "the server logged errors"


@dataclass
class Answer:
    status: int
    body: str
    cookies: dict[str, str]


@dataclass
class Request:
    """A request as a proxy at 127.0.0.1 forwards it for `client` (the forged first entry of
    X-Forwarded-For shows that only the entry the proxy added counts)."""

    method: str
    path: str
    client: str
    data: dict | None = None
    cookies: dict[str, str] | None = None

    def raw(self) -> bytes:
        cookies = {"csrftoken": CSRF, **(self.cookies or {})}
        body = b""
        if self.data is not None:
            body = urlencode({"csrfmiddlewaretoken": CSRF, **self.data}, doseq=True).encode()
        lines = [
            f"{self.method} {self.path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"X-Forwarded-For: 192.0.2.1, {self.client}",
            "Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _send(address: str, requests: list[Request]) -> list[Answer]:
    """Send `requests` in waves of one per worker, each on its own connection. Every request
    of a wave is sent but its last byte, so that each sync worker, blocked reading one
    connection, leaves the next to another worker; then the last bytes go, and all three
    workers count at the same time."""
    host, port = address.split(":")
    answers = []
    for start in range(0, len(requests), WORKERS):
        wave = [
            (request.raw(), socket.create_connection((host, int(port)), timeout=120))
            for request in requests[start : start + WORKERS]
        ]
        try:
            for raw, connection in wave:
                connection.sendall(raw[:-1])
            time.sleep(0.2)
            for raw, connection in wave:
                connection.sendall(raw[-1:])
            answers += [_answer(connection) for _raw, connection in wave]
        finally:
            for _raw, connection in wave:
                connection.close()
    return answers


def _answer(connection: socket.socket) -> Answer:
    response = HTTPResponse(connection)
    response.begin()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            cookie_name, _, rest = value.partition("=")
            cookies[cookie_name.strip()] = rest.split(";", 1)[0]
    return Answer(response.status, response.read().decode(errors="replace"), cookies)


def _address() -> str:
    """A fresh client address: the Redis counts of an earlier run never get in the way."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def _log_in(login: str, password: str, *, client: str) -> Request:
    return Request("POST", "/en/accounts/login/", client, {"login": login, "password": password})


def _account(factory, username: str):
    """An account with `PASSWORD` hashed as production checks it (the test settings hash with
    MD5, which production does not accept), with few iterations: the probe is about counting."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = factory(username=username)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "probesalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def _errors(answer: Answer) -> list[str]:
    return re.findall(r"<li>([^<]*)</li>", answer.body.split("<main", 1)[-1])[:5]


@pytest.fixture
def people(database_url) -> SimpleNamespace:
    """The accounts and the process the probes use."""
    from budgeting import factories as pb
    from network import factories as network
    from portal.factories import CountryFactory

    run = f"probe-{uuid.uuid4().hex[:8]}"
    CountryFactory(key="fi", name="Finland")
    return SimpleNamespace(
        run=run,
        project=pb.ProjectFactory(process=pb.ProcessFactory(slug=run)),
        commenter=_account(pb.UserFactory, f"{run}-commenter"),
        owner=_account(network.UserFactory, f"{run}-owner"),
        victims=[_account(network.UserFactory, f"{run}-victim-{n}") for n in range(12)],
    )


def test_at_most_ten_sign_ups_an_hour_per_address(server, people):
    def sign_up(number: int, client: str) -> Request:
        username = f"{people.run}-signup-{number}"
        data = {
            "email": f"{username}@example.org",
            "username": username,
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "display_name": f"Probe {number}",
            "country": "fi",
        }
        return Request("POST", "/en/accounts/signup/", client, data)

    client = _address()
    statuses = [answer.status for answer in _send(server, [sign_up(n, client) for n in range(18)])]

    assert statuses.count(302) == 10, statuses
    assert statuses.count(429) == 8, statuses
    # another address is not held up
    assert _send(server, [sign_up(99, _address())])[0].status == 302


def test_at_most_five_comments_in_five_minutes(server, people):
    from budgeting.proposals.models import Comment

    client = _address()
    (logged_in,) = _send(server, [_log_in(people.commenter.username, PASSWORD, client=client)])
    assert logged_in.status == 302, (logged_in.status, _errors(logged_in))
    project = people.project
    path = f"/en/pb/{project.process.slug}/projects/{project.pk}/comment/"
    session = {"sessionid": logged_in.cookies["sessionid"]}
    comments = [Request("POST", path, client, {"body": f"Comment {n}"}, session) for n in range(12)]

    answers = _send(server, comments)

    statuses = [answer.status for answer in answers]
    assert statuses.count(302) == 5 and statuses.count(429) == 7, statuses
    assert Comment.objects.filter(project=project).count() == 5
    refused = next(answer for answer in answers if answer.status == 429)
    assert "Please try again in 5 minutes" in refused.body


def test_the_log_in_lock_out_comes_after_five_wrong_passwords(server, people):
    owner = people.owner.username
    attacker, home = _address(), _address()

    answers = _send(server, [_log_in(owner, "wrong", client=attacker)] * 12)

    tried = [answer for answer in answers if answer.status == 200 and LOCKED not in answer.body]
    assert len(tried) == 5, f"{len(tried)} wrong passwords were tried before the lock-out"
    # the right password from the attacker's address is refused now
    (answer,) = _send(server, [_log_in(owner, PASSWORD, client=attacker)])
    assert LOCKED in answer.body and "sessionid" not in answer.cookies
    # the owner, from their own address, logs in
    (answer,) = _send(server, [_log_in(owner, PASSWORD, client=home)])
    assert answer.status == 302 and "sessionid" in answer.cookies


def test_a_spray_from_one_address_locks_out_no_one_elsewhere(server, people):
    attacker = _address()
    spray = [_log_in(user.username, "Winter2025!", client=attacker) for user in people.victims]

    answers = _send(server, spray)

    assert {answer.status for answer in answers} == {200}
    # the attacker's address is stopped after 10 tries; the last wave's three arrive together,
    # so which of them is the tenth is up to the workers
    locked = [LOCKED in answer.body for answer in answers]
    assert not any(locked[:9]) and locked.count(True) == len(spray) - 10, locked
    for victim in people.victims[:3]:
        (answer,) = _send(server, [_log_in(victim.username, PASSWORD, client=_address())])
        assert answer.status == 302, _errors(answer)
