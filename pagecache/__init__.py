"""
The page cache: anonymous readers' pages kept in Django's cache and dropped
the moment what they show changes. It imports no app of the project: apps tell
it which of their views may be cached and what changed.

The interface, used from apps' views, ``signals.py`` and ``AppConfig.ready()``:

- ``cached_page(*scopes, query=(), own_page=False)`` marks a view as cacheable.
  A page depends on every change (``invalidate_all()``), on the scopes it names
  (``invalidate("comments")``) and, with ``own_page``, on changes to itself
  (``invalidate(pages=[url])``). ``query`` names the query parameters the page
  varies on; any other parameter (tracking ones aside) means "render, don't
  store". ``CachedPageMixin`` does the same for class-based views.
- ``invalidate(*scopes, pages=())`` and ``invalidate_all()``: inside a
  transaction the changes are collected and applied once, when it commits.
- ``register_next_change(provider)``: ``provider(now)`` returns the next moment
  pages change by themselves (a scheduled publication), or None.
- ``register_response_value(name, fill)`` and ``response_value(request, name,
  argument, value)``: a value in the page that must differ per response (a
  signed form timestamp) is stored as a placeholder and filled by
  ``fill(argument)`` for every response served from the cache.
- ``ignore_cookies(*names)``: an app's cookies that no cached page is built
  from (read only by its personal requests); they do not make a reader personal.

Front caches (a proxy or CDN in front of the site, ``settings.FRONT_CACHES``)
are purged when the counters change: ``pagecache.frontends``.
"""

from pagecache.generations import invalidate, invalidate_all
from pagecache.registry import (
    CachedPageMixin,
    cached_page,
    ignore_cookies,
    register_next_change,
    register_response_value,
    response_value,
)

__all__ = [
    "CachedPageMixin",
    "cached_page",
    "ignore_cookies",
    "invalidate",
    "invalidate_all",
    "register_next_change",
    "register_response_value",
    "response_value",
]
