"""The one rate-limit helper of the site: who is counted, and when one more is accepted."""

import datetime
import time

from django.test import RequestFactory

import pytest

from portal.rate_limits import (
    RateLimitExceeded,
    client_address,
    rate_limit_consume,
    rate_limit_message,
)

pytestmark = pytest.mark.django_db


def request_from(address: str = "10.0.0.1", forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().post("/en/", REMOTE_ADDR=address, **headers)


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "10.0.0.1"), (1, "198.51.100.7"), (2, "192.0.2.1")]
)
def test_the_client_address_honours_the_trusted_proxy_count(settings, proxies, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies

    assert client_address(request_from(forwarded="192.0.2.1, 198.51.100.7")) == expected


def test_an_ipv6_client_is_counted_by_its_64_network():
    assert client_address(request_from("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"


def test_a_refusal_says_when_one_more_is_accepted(settings, monkeypatch):
    settings.SITE_RATE_LIMITS = {"probe": "3/h/ip"}
    start = time.time()
    for offset in (0, 600, 1200):
        monkeypatch.setattr(time, "time", lambda offset=offset: start + offset)
        rate_limit_consume(action="probe", request=request_from())

    with pytest.raises(RateLimitExceeded) as refused:
        rate_limit_consume(action="probe", request=request_from())

    # the oldest of the three leaves the hour at start + 3600
    assert refused.value.retry_at == datetime.datetime.fromtimestamp(start + 3600, tz=datetime.UTC)
    assert refused.value.messages[0].startswith("Please try again ")
    # others are counted on their own
    rate_limit_consume(action="probe", request=request_from("10.0.0.2"))


def test_what_was_rolled_back_does_not_count(settings):
    settings.SITE_RATE_LIMITS = {"probe": "1/h/key"}
    rate_limit_consume(action="probe", key="a").rollback()
    rate_limit_consume(action="probe", key="a")

    with pytest.raises(RateLimitExceeded):
        rate_limit_consume(action="probe", key="a")


@pytest.mark.parametrize(
    ("now", "wait", "expected"),
    [
        # 23:55 in Helsinki: ten minutes are still ten minutes, not "after 8 Dec 00:05"
        ("2026-12-07T21:55:00+00:00", 10, "Please try again in 10 minutes (at 00:05)."),
        ("2026-12-07T10:00:00+00:00", 1, "Please try again in 1 minute (at 12:01)."),
        ("2026-12-07T21:00:00+00:00", 6 * 60, "Please try again after 8 December 2026 05:00."),
    ],
)
def test_the_wait_is_told_in_minutes_even_across_midnight(monkeypatch, now, wait, expected):
    from django.utils import timezone

    moment = datetime.datetime.fromisoformat(now)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    assert rate_limit_message(moment + datetime.timedelta(minutes=wait)) == expected
