#!/usr/bin/env python
"""Django's command-line utility for Kokeilu.

The project configuration lives in the folder `site/` but is imported as `portal`: Python's
standard library already owns the module name `site`, loaded at start-up, so a top-level package
of that name cannot be imported. `pip install -e .` (which `make run` does) maps `portal` to
`site/` through `[tool.setuptools] package-dir` in pyproject.toml.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    try:
        import portal  # noqa: F401
    except ImportError as exc:
        raise SystemExit(
            "Cannot import `portal` (the folder site/). Install the project first: "
            "`make install`, or `pip install -e .` inside a Python 3.12+ virtualenv."
        ) from exc
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
