"""Template context about the visitor's membership, for every page."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from network.permissions import member_write_refusal


def membership(request) -> dict:
    """`member_refusal`: why the signed-in account may not write as a member ("" when it may,
    and for visitors, whom pages ask to sign in instead). Pages show it in place of a form the
    account cannot use; it is worked out only on pages that ask."""
    user = getattr(request, "user", None)

    def refusal() -> str:
        if user is None or not user.is_authenticated:
            return ""
        return member_write_refusal(user) or ""

    return {"member_refusal": SimpleLazyObject(refusal)}
