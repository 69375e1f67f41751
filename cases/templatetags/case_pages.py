"""Template tags of the case pages."""

from django import template

from cases.page_contents import case_body_and_contents

register = template.Library()


@register.simple_tag(takes_context=True)
def case_body(context, page) -> dict:
    """`{% case_body page as body %}`: body.body_html (the body, its headings with ids) and
    body.contents (the table of contents, [] for a short page). Rendered with the page's own
    context, as `include_block` would render the body."""
    return case_body_and_contents(page=page, context=context.flatten())
