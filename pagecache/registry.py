"""What apps register with the page cache: cacheable views, next changes, per-response values."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

NextChange = Callable[[datetime], datetime | None]

_next_change_providers: list[NextChange] = []
_response_values: dict[str, Callable[[str], str]] = {}
_ignored_cookies: set[str] = set()


@dataclass(frozen=True)
class PagePolicy:
    """How a view's pages are cached: see ``cached_page()``."""

    scopes: tuple[str, ...] = ()
    query: frozenset[str] = frozenset()
    own_page: bool = False


def cached_page(
    *scopes: str, query: Iterable[str] = (), own_page: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """
    Mark a view function, or a class whose instances are views (a Feed), as
    cacheable for anonymous readers; see the package docstring for the
    arguments. Class-based views use ``CachedPageMixin``.
    """
    policy = PagePolicy(tuple(scopes), frozenset(query), own_page)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        if isinstance(view, type):
            if hasattr(view, "as_view"):
                raise TypeError(f"{view.__name__} is a class-based view: use CachedPageMixin.")
            view.page_cache_policy = policy
            return view

        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        cached_view.page_cache_policy = policy
        return cached_view

    return decorator


def policy_of(view: Callable[..., Any]) -> PagePolicy | None:
    return getattr(view, "page_cache_policy", None)


class CachedPageMixin:
    """``cached_page()`` for class-based views: set the three attributes below."""

    page_cache_scopes: tuple[str, ...] = ()
    page_cache_query: tuple[str, ...] = ()
    page_cache_own_page = False

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.page_cache_policy = PagePolicy(
            tuple(cls.page_cache_scopes), frozenset(cls.page_cache_query), cls.page_cache_own_page
        )
        return view


def register_next_change(provider: NextChange) -> None:
    """``provider(now)``: the next moment pages change without anyone saving anything."""
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)


def next_change(now: datetime) -> datetime | None:
    moments = [moment for provider in _next_change_providers if (moment := provider(now))]
    return min(moments) if moments else None


def register_response_value(name: str, fill: Callable[[str], str]) -> None:
    """Values recorded under ``name`` are filled by ``fill(argument)`` for each cached response."""
    if not name.replace("-", "").isalnum():
        raise ValueError(f"Response value names are letters, digits and hyphens, not {name!r}.")
    _response_values[name] = fill


def fill_response_value(name: str, argument: str) -> str:
    return _response_values[name](argument)


def response_value(request: HttpRequest, name: str, argument: Any, value: str) -> None:
    """
    ``value`` (in the page being rendered) must be made afresh for every
    response: the stored page keeps a placeholder, filled by the function
    registered under ``name`` with ``str(argument)``.
    """
    if name not in _response_values:
        raise LookupError(f"No response value registered as {name!r}.")
    recorded = getattr(request, "_page_cache_values", None)
    if recorded is not None and value:
        recorded[value] = f"{name}:{argument}"


def ignore_cookies(*names: str) -> None:
    """
    Cookies no cached page is built from (an app's own, read only by its
    personal requests): a reader carrying them still gets the shared page.
    """
    _ignored_cookies.update(names)


def ignored_cookies() -> frozenset[str]:
    return frozenset(_ignored_cookies)
