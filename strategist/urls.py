import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from security.middleware import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("posts.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded media from MEDIA_ROOT (read per request); production normally
    # lets the web server, a CDN or object storage do this (SERVE_MEDIA=0).
    urlpatterns.insert(
        0,
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve_media,
            name="media",
        ),
    )

handler404 = "posts.views.page_not_found"
handler500 = "posts.views.server_error"
