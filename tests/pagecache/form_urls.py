"""
A URLconf for the page cache's tests: a cached page that carries a CSRF token
and a per-response value (no page of the site does since the article page
became the same for every reader), so that those placeholders stay tested.
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path

import pagecache
from comments.spam import sign_timestamp


@pagecache.cached_page()
def form_page(request):
    """A page with a form: a CSRF token and a signed timestamp for article 1."""
    value = sign_timestamp(1)
    pagecache.response_value(request, "comment-timestamp", 1, value)
    return HttpResponse(
        '<form method="post" action="/admin/login/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        f'<input type="hidden" name="timestamp" value="{value}"></form>'
    )


urlpatterns = [path("form-page/", form_page), path("", include("strategist.urls"))]
