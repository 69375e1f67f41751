"""The member's own way into stories, on their membership page and the stories listing:

- `{% story_write_url as url %}`: where "Write a story" leads for those who may write one in
  the admin (ambassadors, editors, administrators), or "" for everyone else;
- `{% stories_awaiting_my_consent as stories %}`: the stories someone wrote with the signed-in
  member as author that wait for their consent (title and address).
"""

from django import template

from network.permissions import member_of
from stories.selectors import stories_awaiting_consent
from stories.selectors import story_write_url as _story_write_url

register = template.Library()


@register.simple_tag(takes_context=True)
def story_write_url(context) -> str:
    user = getattr(context.get("request"), "user", None)
    return (_story_write_url(user=user) if user is not None else None) or ""


@register.simple_tag(takes_context=True)
def stories_awaiting_my_consent(context) -> list[dict[str, str]]:
    member = member_of(getattr(context.get("request"), "user", None))
    return stories_awaiting_consent(member=member) if member is not None else []
