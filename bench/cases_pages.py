"""Benchmark of the case library and a case page with the demo data loaded.

    .venv/bin/python bench/cases_pages.py [--runs 30]
    DATABASE_URL=sqlite:////tmp/cases.sqlite3 .venv/bin/python bench/cases_pages.py

Uses the configured database (load it first: `manage.py load_demo`) through Django's test
Client, and prints the median and 95th percentile response time of the library without a
filter, with two facet selections, with a text query, and of case pages. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from cases.models import CaseIndexPage, CasePage
    from search.engines import get_engine
    from search.query import SearchQuery
    from search.selectors import search_run

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    index = CaseIndexPage.objects.live().first()
    if index is None:
        print("No case library: run `manage.py load_demo` first.")
        return 1
    cases = CasePage.objects.live().count()
    print(f"{cases} live case studies, {get_engine().count()} documents in the index")
    client = Client()
    top = search_run(SearchQuery(kinds=("case",), page_size=1)).facets
    country = top["country"][0].value  # the most frequent values: a realistic, large result
    theme = top["theme"][0].value
    case_urls = [page.url for page in CasePage.objects.live().order_by("?")[: args.runs]]
    scenarios = [
        ("library, no filter", [(index.url, {})]),
        (
            f"library, country={country} & theme={theme}",
            [(index.url, {"country": country, "theme": theme})],
        ),
        (
            "library, text query “participatory budget”",
            [(index.url, {"q": "participatory budget"})],
        ),
        ("case page (random cases)", [(url, {}) for url in case_urls]),
    ]
    print(f"{'scenario':58} {'median ms':>10} {'p95 ms':>8}")
    for name, requests in scenarios:
        timings = []
        for run in range(args.runs + 2):
            url, params = requests[run % len(requests)]
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if run >= 2:  # the first two warm caches
                timings.append(elapsed)
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{name:58} {statistics.median(timings):10.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
