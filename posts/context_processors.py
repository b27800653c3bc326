from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from posts.models import SiteSettings

# What every page's head, masthead and footer link to (templates/base.html):
# ``site_urls.<name>``.
CHROME_URLS = {
    "index": "posts:index",
    "search": "posts:search",
    "feed": "posts:feed",
    "feed_atom": "posts:feed-atom",
    "archives": "posts:archives",
    "sitemap": "posts:sitemap",
}
CHROME_STATIC = {
    "favicon": "favicon.svg",
    "site_css": "css/site.css",
    "menu_css": "menus/menu.css",
}


def site(request):
    """
    ``site`` (and ``publication``): the masthead, loaded when a template first reads it and at most
    once per request; ``canonical_url``: this page's absolute address without
    its query string; ``site_urls``: the addresses every page links to.
    """
    if not hasattr(request, "site_settings"):
        request.site_settings = SimpleLazyObject(SiteSettings.load)
    return {
        "site": request.site_settings,
        # The same, under a name no view overrides (the admin's login page sets
        # ``site`` to the current Site): templates/admin/base_site.html.
        "publication": request.site_settings,
        "canonical_url": request.build_absolute_uri(request.path),
        "site_urls": chrome_urls(),
    }


def chrome_urls() -> dict[str, str]:
    """
    The addresses of the page chrome (CHROME_URLS, CHROME_STATIC), worked out
    once per process for each script prefix, URL configuration and static
    files setting: eleven ``{% url %}`` and ``{% static %}`` tags cost a
    twentieth of a cold render.
    """
    return _chrome_urls(
        get_script_prefix(),
        get_resolver(get_urlconf()),
        settings.STATIC_URL,
        repr(settings.STORAGES.get("staticfiles")),
    )


@lru_cache(maxsize=16)
def _chrome_urls(script_prefix, resolver, static_url, static_storage) -> dict[str, str]:
    return {
        **{key: reverse(name) for key, name in CHROME_URLS.items()},
        **{key: static(path) for key, path in CHROME_STATIC.items()},
    }
