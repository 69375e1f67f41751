"""Error pages that keep the site's look and never fail themselves."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.defaults import page_not_found as django_page_not_found


def page_not_found(request, exception):
    return django_page_not_found(request, exception, template_name="404.html")


def server_error(request):
    # No request context: the error may have come from a context processor or the database.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render())
