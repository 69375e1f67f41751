"""Row ids read from a request (a query string, a form field, a URL).

An id is a whole number from 1 to `ID_MAX`, written in ASCII digits: what every database the
site runs on can store (a signed 64-bit integer). Anything else is "no such row", never a server
error: Python's `int()` raises ValueError for "abc", and accepts "1_000" and "١٢"; SQLite's
driver raises OverflowError for a number beyond 64 bits and PostgreSQL a DataError beyond its
column's range. Parse ids here; `portal.lookups` makes the ORM's `__in` ignore out-of-range
integers for the ids that forms pass on themselves (ModelMultipleChoiceField).
"""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _

ID_MAX = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def id_parse(raw: object) -> int | None:
    """`raw` as a row id, or None when it cannot be one (empty, not ASCII digits, 0, too big)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 1 <= value <= ID_MAX else None


def id_or_404(raw: object) -> int:
    """`raw` as a row id; a 404 when it cannot be one."""
    value = id_parse(raw)
    if value is None:
        raise Http404(_("There is nothing with this id."))
    return value
