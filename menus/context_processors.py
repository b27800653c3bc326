from django.utils.functional import SimpleLazyObject

from menus.menu import build_menu


def menu(request):
    """
    ``menu``: the site menu (``menu.header``, ``menu.footer``), read from the
    database when a template first uses it, once per request (one query; a
    page served from the page cache runs none).
    """
    return {"menu": SimpleLazyObject(build_menu)}
