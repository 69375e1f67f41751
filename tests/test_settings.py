"""The production settings are safe and complete when the environment provides them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        # the browser tests' conftest allows Django's async-unsafe calls for the test session
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


# What the README's production section sets; the checks do not connect to either server.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "ALLOWED_HOSTS": "kokeilu.example.org",
    "DATABASE_URL": "postgres://kokeilu@db.example.org:5432/kokeilu",
    "CACHE_URL": "redis://cache.example.org:6379/0",
}


def run_production(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_manage(*args, **{**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), **env})


def test_check_deploy_reports_nothing_under_production_settings():
    result = run_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_cache_that_app_server_processes_do_not_share():
    for url in ("locmem://", "dummy://", "file:///tmp/kokeilu-cache"):
        result = run_production("check", CACHE_URL=url)

        assert result.returncode != 0, url
        assert "portal.E001" in result.stderr
        assert f"CACHE_URL selects {url.split('//')[0]}//" in result.stderr
        assert "Set CACHE_URL=redis://" in result.stderr


def test_production_refuses_sqlite_and_says_to_use_postgresql(tmp_path):
    result = run_production(
        "check", "--deploy", DATABASE_URL=f"sqlite:///{tmp_path / 'kokeilu.sqlite3'}"
    )

    assert result.returncode != 0
    assert "portal.E002" in result.stderr
    assert "DATABASE_URL selects SQLite" in result.stderr
    assert "Set DATABASE_URL=postgres://" in result.stderr


def test_trusted_proxy_count_comes_from_the_environment():
    result = run_production(
        "shell",
        "-c",
        "from allauth import app_settings; print('proxies', app_settings.TRUSTED_PROXY_COUNT)",
        TRUSTED_PROXY_COUNT="1",
    )

    assert "proxies 1" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        ALLOWED_HOSTS="kokeilu.example.org",
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
