from django.utils.functional import SimpleLazyObject

from posts.models import SiteSettings


def site(request):
    """
    ``site`` (and ``publication``): the masthead, loaded when a template first reads it and at most
    once per request; ``canonical_url``: this page's absolute address without
    its query string.
    """
    if not hasattr(request, "site_settings"):
        request.site_settings = SimpleLazyObject(SiteSettings.load)
    return {
        "site": request.site_settings,
        # The same, under a name no view overrides (the admin's login page sets
        # ``site`` to the current Site): templates/admin/base_site.html.
        "publication": request.site_settings,
        "canonical_url": request.build_absolute_uri(request.path),
    }
