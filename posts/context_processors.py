from posts.models import SiteSettings


def site(request):
    """
    ``site``: the masthead, loaded lazily and at most once per request;
    ``canonical_url``: this page's absolute address without its query string.
    """

    def load():
        if not hasattr(request, "_site_settings"):
            request._site_settings = SiteSettings.load()
        return request._site_settings

    return {
        "site": _Lazy(load),
        "canonical_url": request.build_absolute_uri(request.path),
    }


class _Lazy:
    """Resolve the site settings only when a template reads an attribute."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader(), name)

    def __str__(self):
        return str(self._loader())
