from posts.models import SiteSettings


def site(request):
    """The masthead on every page, loaded lazily and at most once per request."""

    def load():
        if not hasattr(request, "_site_settings"):
            request._site_settings = SiteSettings.load()
        return request._site_settings

    return {"site": _Lazy(load)}


class _Lazy:
    """Resolve the site settings only when a template reads an attribute."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader(), name)
