"""The site's own rate limits (PB comments, story shares, voting-code entry), in one place.

Every limit counts in the default cache, which production settings require to be shared by all
app server processes (Redis; see `portal.deployment`), and is built on django-allauth's rate
limiting, which already limits log-ins and sign-ups: the same rate syntax (`"5/5m/user"`,
`"10/10m/ip,10/10m/key"`: amount / window in s, m, h or d / counted per user, per client
address or per key), the same sliding window and cache lock, and the same client address
(`client_address`, allauth's adapter, which honours `ALLAUTH_TRUSTED_PROXY_COUNT`). The rates
live in `settings.SITE_RATE_LIMITS`, one entry per action.

allauth's own `consume()` answers only yes or no; this module adds when one more will be
accepted, so that every refusal can say when to try again. It uses allauth's internal
rate-limit helpers (allauth is pinned exactly in pyproject.toml; the tests of this module
cover what it relies on).
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit as allauth_ratelimit

CACHE_PREFIX = "kokeilu:rl"


class RateLimitExceeded(ValidationError):
    """An action was refused because its rate limit is used up.

    A `ValidationError`, so services may raise it like any refusal a person can act on; views
    that can answer 429 tell it apart (`rate_limit_response`). `retry_at` is when one more
    will be accepted (None: the limit is zero, the action is closed). The message says when to
    try again, led by `reason` if given (a closed action needs none).
    """

    def __init__(self, *, action: str, amount: int, window: float, retry_at, reason: str = ""):
        self.action = action
        self.amount = amount
        self.window = window
        self.retry_at: datetime.datetime | None = retry_at
        message = rate_limit_message(retry_at)
        if reason and amount > 0:
            message = f"{reason} {message}"
        super().__init__(message, code="rate_limited")

    def explained(self, reason: str) -> RateLimitExceeded:
        """The same refusal, its message led by why (“You have posted 5 comments …”)."""
        return RateLimitExceeded(
            action=self.action,
            amount=self.amount,
            window=self.window,
            retry_at=self.retry_at,
            reason=reason,
        )

    @property
    def retry_after(self) -> int | None:
        """Whole seconds until one more is accepted, for a `Retry-After` header."""
        if self.retry_at is None:
            return None
        return max(int((self.retry_at - timezone.now()).total_seconds()) + 1, 1)


@dataclass
class RateLimitUsage:
    """What one `rate_limit_consume` counted; `rollback()` takes it back (e.g. a right code)."""

    entries: list[tuple[str, float, float]] = field(default_factory=list)

    def rollback(self) -> None:
        for cache_key, timestamp, duration in self.entries:
            with allauth_ratelimit.cache_lock(cache_key) as locked:
                if locked:
                    history = [t for t in cache.get(cache_key, []) if t != timestamp]
                    cache.set(cache_key, history, duration)


def client_address(request: HttpRequest) -> str:
    """The client's address as every rate limit of the site reads it: allauth's adapter (the
    `ALLAUTH_TRUSTED_PROXY_COUNT`-th address from the right of `X-Forwarded-For`, set from the
    `TRUSTED_PROXY_COUNT` environment variable, else the connection's), IPv6 cut to its /64."""
    return allauth_ratelimit.truncate_ip(get_adapter().get_client_ip(request))


def _rates(action: str) -> list[allauth_ratelimit.Rate]:
    """The rates of `action` from `settings.SITE_RATE_LIMITS`."""
    try:
        rates = settings.SITE_RATE_LIMITS[action]
    except KeyError:
        raise ImproperlyConfigured(f"SITE_RATE_LIMITS has no rate for {action!r}.") from None
    return list(dict.fromkeys(allauth_ratelimit.parse_rates(rates)))


def rate_limit_consume(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    key: str | None = None,
) -> RateLimitUsage:
    """Count one `action` against each of its rates, or raise `RateLimitExceeded` (with when
    to try again) and count nothing more.

    Rates per `ip` need the `request` (its client address), per `user` the `user` (or the
    request's signed-in user), per `key` a `key` (e.g. a session). Returns what was counted,
    to roll back when the action should not count after all.
    """
    usage = RateLimitUsage()
    now = time.time()
    for rate in _rates(action):
        cache_key = _cache_key(action, rate, request=request, user=user, key=key)
        with allauth_ratelimit.cache_lock(cache_key) as locked:
            history = cache.get(cache_key, []) if locked else None
            allowed = False
            if history is not None:
                allowed, history = allauth_ratelimit.apply_rate(history, now, rate)
            if allowed:
                cache.set(cache_key, history, rate.duration)
                usage.entries.append((cache_key, now, rate.duration))
                continue
        usage.rollback()
        raise RateLimitExceeded(
            action=action,
            amount=rate.amount,
            window=rate.duration,
            retry_at=_retry_at(history, rate, now),
        )
    return usage


def rate_limit_response(response: HttpResponse, limited: RateLimitExceeded | None) -> HttpResponse:
    """`response` (a page that says why, with the form as typed) as the answer to a refused
    action: 429 Too Many Requests with `Retry-After`. Unchanged when nothing was refused."""
    if limited is None:
        return response
    response.status_code = 429
    if limited.retry_after is not None:
        response["Retry-After"] = str(limited.retry_after)
    return response


MINUTES_TOLD_AS_MINUTES = 90


def rate_limit_message(retry_at: datetime.datetime | None) -> str:
    """“Try again at …” for a refusal: the local time when one more will be accepted."""
    if retry_at is None:
        return _("This is closed for now.")
    local = timezone.localtime(retry_at)
    minutes = max(round((retry_at - timezone.now()).total_seconds() / 60), 1)
    # A wait of minutes is told in minutes, even across midnight; a longer one by its day.
    if minutes > MINUTES_TOLD_AS_MINUTES and local.date() != timezone.localdate():
        return _("Please try again after %(when)s.") % {
            "when": date_format(local, "DATETIME_FORMAT")
        }
    return ngettext(
        "Please try again in %(minutes)d minute (at %(time)s).",
        "Please try again in %(minutes)d minutes (at %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": time_format(local, "TIME_FORMAT")}


def _cache_key(action: str, rate, *, request: HttpRequest | None, user, key: str | None) -> str:
    if rate.per == "ip":
        if request is None:
            raise ImproperlyConfigured(f"{action}: a rate per address needs the request.")
        source = client_address(request)
    elif rate.per == "user":
        user = user if user is not None else getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise ImproperlyConfigured(f"{action}: a rate per user needs a signed-in user.")
        source = f"user:{user.pk}"
    elif rate.per == "key":
        if key is None:
            raise ImproperlyConfigured(f"{action}: a rate per key needs a key.")
        source = hashlib.sha256(key.encode()).hexdigest()
    else:
        raise ImproperlyConfigured(f"{action}: unknown rate unit {rate.per!r}.")
    return f"{CACHE_PREFIX}:{action}:{rate}:{source}"


def _retry_at(history: list[float] | None, rate, now: float) -> datetime.datetime | None:
    if rate.amount <= 0:
        return None
    if not history or len(history) < rate.amount:  # the cache lock was busy: a moment
        return datetime.datetime.fromtimestamp(now + 1, tz=datetime.UTC)
    # newest first: one more is accepted once the amount-th newest leaves the window
    return datetime.datetime.fromtimestamp(
        history[rate.amount - 1] + rate.duration, tz=datetime.UTC
    )
