"""Error pages that keep the site's look and never fail themselves."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found as django_page_not_found


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        # No request context: nothing may read the body again. Other 400s (a forged host name,
        # say) keep Django's plain answer, which needs nothing of the request.
        template = loader.get_template("portal/request_too_large.html")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return HttpResponseBadRequest(template.render({"limit_kb": limit // 1024}))
    return django_bad_request(request, exception)


def page_not_found(request, exception):
    return django_page_not_found(request, exception, template_name="404.html")


def server_error(request):
    # No request context: the error may have come from a context processor or the database.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render())
