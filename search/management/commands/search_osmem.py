"""`manage.py search_osmem [--port 9200]`: run osmem-server (an in-memory OpenSearch-compatible
engine) in the foreground for development, and say which SEARCH_URL to use with it."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search.osmem import OsmemUnavailable, osmem_start


class Command(BaseCommand):
    help = "Run osmem-server for development (Ctrl+C stops it; its index lives in memory)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=9200)
        parser.add_argument("--index", default="kokeilu")

    def handle(self, *args, port: int, index: str, **options) -> None:
        try:
            server = osmem_start(port=port)
        except (OsmemUnavailable, OSError) as error:
            raise CommandError(f"osmem-server could not start: {error}") from error
        host = server.url.removeprefix("http://")
        self.stdout.write(
            self.style.SUCCESS(f"osmem-server {server.version} listens at {server.url}.")
        )
        self.stdout.write(
            "In another shell:\n"
            f"  export SEARCH_URL='opensearch://{host}/{index}?languages=en,sv'\n"
            "  .venv/bin/python manage.py search_index rebuild\n"
            "  .venv/bin/python manage.py runserver\n"
            "Or through the Elasticsearch engine:\n"
            f"  export SEARCH_URL='elasticsearch://{host}/{index}?languages=en,sv"
            "&api_compatibility=none'"
        )
        try:
            while server.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
