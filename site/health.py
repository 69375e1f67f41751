"""`/healthz` for load balancers and monitoring: the state of the database, the cache, the search
engine and the task backlog, as JSON.

It answers 503 only when the database cannot be reached, the one thing without which no page
works; a cache or search engine that is away makes the state "degraded" with 200, because every
app server shares them, and taking them all out of the balancer would not help. It says no
host name, version, engine type or error text (they would tell an attacker what runs here),
sets no cookie, is never cached, is left out of the sitemap (it is no page) and of every rate
limit (they apply per view), and is served over plain http (`SECURE_REDIRECT_EXEMPT`).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import logging

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.models import OutgoingMail
from search.engines import get_database_engine, get_engine
from search.outbox import outbox_status

logger = logging.getLogger(__name__)

OK, DOWN = "ok", "down"
CACHE_PROBE_KEY = "portal.health.probe"
# A search cluster that hangs must not make the load balancer wait: its probe gets this long
# (seconds), in a thread of its own; the database engine is probed inline.
SEARCH_PROBE_SECONDS = 1.0
FAILED_WINDOW = datetime.timedelta(hours=24)

_search_probes = concurrent.futures.ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="healthz-search"
)


@require_safe
@never_cache
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would fail before the view with the database
def healthz(request: HttpRequest) -> JsonResponse:
    """The site's state as JSON: 200 when the database answers, 503 when it does not."""
    database = database_state()
    report = {
        "database": {"status": database},
        "cache": {"status": cache_state()},
        "search": search_state() if database == OK else {"status": DOWN},
        "tasks": task_backlog() if database == OK else {},
    }
    states = {database, report["cache"]["status"], report["search"]["status"]}
    overall = OK if states == {OK} else ("down" if database == DOWN else "degraded")
    return JsonResponse({"status": overall, **report}, status=503 if database == DOWN else 200)


def database_state() -> str:
    """ "ok" when a query answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: the database does not answer", exc_info=True)
        return DOWN
    return OK


def cache_state() -> str:
    """ "ok" when the cache (shared by every app server: rate limits) stores and returns a value."""
    try:
        value = timezone.now().isoformat()
        cache.set(CACHE_PROBE_KEY, value, timeout=60)
        if cache.get(CACHE_PROBE_KEY) != value:
            return DOWN
    except Exception:  # each cache client raises its own errors (redis.ConnectionError, ...)
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return DOWN
    return OK


def search_state() -> dict:
    """The engine's state, and the outbox waiting to reach it (rows, age of the oldest)."""
    engine = get_engine()
    try:
        if engine is get_database_engine():
            engine.count()
        else:
            _search_probes.submit(engine.count).result(timeout=SEARCH_PROBE_SECONDS)
        status = OK
    except Exception:  # SearchEngineError, a timeout, or the client's own errors
        logger.warning("healthz: the search engine does not answer", exc_info=True)
        status = DOWN
    outbox = outbox_status()
    return {
        "status": status,
        "outbox": outbox["backlog"],
        "outbox_oldest_seconds": _age(outbox["oldest"]),
    }


def task_backlog() -> dict:
    """Tasks waiting for the worker (how many, how long the oldest has been due), tasks that
    failed in the last 24 hours, and e-mail kept after its retries."""
    now = timezone.now()
    # a task is due when it was enqueued, or at its run_after (a retry), whichever is later
    due_at = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    due = DBTaskResult.objects.ready().annotate(due_at=due_at)
    oldest = due.order_by("due_at").values_list("due_at", flat=True).first()
    return {
        "queued": DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        "oldest_due_seconds": _age(oldest),
        "failed_last_24h": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW
        ).count(),
        "mail_kept": OutgoingMail.objects.count(),
    }


def _age(moment: datetime.datetime | None) -> int | None:
    if moment is None:
        return None
    return max(0, int((timezone.now() - moment).total_seconds()))
