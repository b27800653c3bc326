from django.utils.functional import SimpleLazyObject

from posts.models import SiteSettings


def site(request):
    """
    ``site``: the masthead, loaded when a template first reads it and at most
    once per request; ``canonical_url``: this page's absolute address without
    its query string.
    """
    if not hasattr(request, "site_settings"):
        request.site_settings = SimpleLazyObject(SiteSettings.load)
    return {
        "site": request.site_settings,
        "canonical_url": request.build_absolute_uri(request.path),
    }
