"""
WordPress pages and navigation menus, for ``WordPressImporter``.

A ``page`` item becomes a posts.Page: its hierarchy (``wp:post_parent``; a
parent that comes later in the file is linked at the end), status, dates and
body (converted as articles' are), and its old address answering with a 301.
A slug the site reserves (/feed/, /2024/...) or an address another page has
is renamed, and the report says so. ``nav_menu_item`` items are collected and
become the site menu (menus.MenuItem, one level of children) at the end, and
only when the menu is empty; what cannot come is reported.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from menus.models import MenuItem, check_address
from posts.models import SUB_PAGE_SLUG, YEAR_SLUG, Article, Page
from wordpress import sites, wxr
from wordpress.models import WordPressItem

PAGE_STATUSES = {
    "publish": Page.Status.PUBLISHED,
    "draft": Page.Status.DRAFT,
    "pending": Page.Status.DRAFT,
    "private": Page.Status.DRAFT,
    "future": Page.Status.DRAFT,
}


@dataclass
class MenuEntry:
    """A nav_menu_item, kept until every page and tag it may link to is imported."""

    post_id: int
    menu: str
    menu_name: str
    title: str
    order: int
    parent: int
    type: str
    object: str
    object_id: int | None
    url: str


def _int(value: str) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


class PagesAndMenus:
    """Mixed into WordPressImporter: pages, their comments' target, and the menu."""

    def _init_pages_and_menus(self) -> None:
        self.deferred_page_parents: list[tuple[int, int, str, str]] = []
        self.menu_entries: list[MenuEntry] = []
        self.term_tags: dict[int, object] = {}
        self._reserved_segments: set[str] | None = None

    # Pages -----------------------------------------------------------------

    def import_page(self, post: wxr.Post) -> None:
        from wordpress.importer import (
            NO_TITLE,
            parse_wordpress_date,
            plain_text,
        )

        title = plain_text(post.title)
        label = f"page {post.post_id} “{title}”" if title else f"page {post.post_id}"
        status = self._status_here(
            post, label, kind="pages", statuses=PAGE_STATUSES, draft=Page.Status.DRAFT
        )
        if status is None:
            return
        item = (
            WordPressItem.objects.select_related("page")
            .filter(site=self.wp_site, kind=WordPressItem.Kind.PAGE, wordpress_id=post.post_id)
            .first()
        )
        page = item.page if item is not None else None
        created = parse_wordpress_date(post.post_date_gmt, datetime.UTC) or parse_wordpress_date(
            post.post_date, self.site_timezone
        )
        modified = parse_wordpress_date(post.post_modified_gmt, datetime.UTC)
        parent, parent_later = None, False
        if post.parent_id:
            parent = self._imported_page(post.parent_id)
            parent_later = parent is None
        if not title:
            self.report.warn(f"{label}: no title; imported as “{NO_TITLE}”.")
        base = self._page_base_slug(post, title)
        if page is not None and parent_later:
            parent = page.parent  # linked at the end; stay where it is until then
        values = {
            "title": (title or NO_TITLE)[:300],
            # Under a parent that comes later: placed (and named) at the end.
            "slug": self._page_slug(base, parent, page, label, report=not parent_later),
            "parent": parent,
            "dek": " ".join(plain_text(post.excerpt).split()),
            "body": self.converted_body(post),
            "body_format": Article.BodyFormat.HTML,
            "status": status,
            "menu_order": max(0, min(post.menu_order, 32767)),
        }
        if page is None:
            page = Page(**values)
            if status == Page.Status.PUBLISHED and created is not None:
                page.published_at = created
            page.save()
            dates = {"created_at": created, "updated_at": max(modified or created, created)}
            dates = {name: value for name, value in dates.items() if value is not None}
            if dates:
                Page.objects.filter(pk=page.pk).update(**dates)
            WordPressItem.objects.create(
                site=self.wp_site,
                kind=WordPressItem.Kind.PAGE,
                wordpress_id=post.post_id,
                page=page,
                fingerprint=sites.page_fingerprint(page),
            )
            self.report.add("pages", "imported")
            self.target_is_new = True
        elif self.older_export:
            self.report.add("pages", "unchanged")
        elif (
            item.fingerprint
            and sites.page_fingerprint(page) != item.fingerprint
            and not self.overwrite
        ):
            self.report.keep(f"{label} (now “{page.title}”, /{page.path}/)")
            self.report.add("pages", "kept")
        else:
            changed = [name for name, value in values.items() if getattr(page, name) != value]
            for name in changed:
                setattr(page, name, values[name])
            if changed:
                page.save()
                if modified is not None:
                    Page.objects.filter(pk=page.pk).update(updated_at=modified)
            fingerprint = sites.page_fingerprint(page)
            if item.fingerprint != fingerprint:
                item.fingerprint = fingerprint
                item.save(update_fields=["fingerprint"])
            self.report.add("pages", "updated" if changed else "unchanged")
        if parent_later:
            self.deferred_page_parents.append((page.pk, post.parent_id, base, label))
        self._set_target(page, post.post_id, created or page.created_at)
        if post.link:
            self._add_redirects([urlsplit(post.link.strip()).path], page=page, label=label)

    def _open_page_comments(self, post: wxr.Post) -> None:
        """A page with imported comments takes comments as WordPress's comment_status says."""
        if not self.comment_pks:
            return
        page = self.target
        if self.older_export or (not self.target_is_new and self.report_kept_page(page)):
            return
        is_open = post.comment_status.strip() == "open"
        if page.comments_open != is_open:
            Page.objects.filter(pk=page.pk).update(comments_open=is_open)
            page.comments_open = is_open

    def report_kept_page(self, page: Page) -> bool:
        """The page was changed here since its import (so left as it is)."""
        item = WordPressItem.objects.filter(page=page).first()
        return (
            bool(item and item.fingerprint and item.fingerprint != sites.page_fingerprint(page))
            and not self.overwrite
        )

    def _imported_page(self, wordpress_id: int) -> Page | None:
        item = (
            WordPressItem.objects.select_related("page")
            .filter(site=self.wp_site, kind=WordPressItem.Kind.PAGE, wordpress_id=wordpress_id)
            .first()
        )
        return item.page if item is not None else None

    @staticmethod
    def _page_base_slug(post: wxr.Post, title: str) -> str:
        from wordpress.importer import ascii_slug

        return ascii_slug(post.post_name, title, max_length=90) or f"page-{post.post_id}"

    def _reserved(self) -> set[str]:
        if self._reserved_segments is None:
            self._reserved_segments = Page.reserved_first_segments()
        return self._reserved_segments

    def _page_slug(
        self, base: str, parent: Page | None, page: Page | None, label: str, report: bool = True
    ) -> str:
        """
        base, or base-page when a top-level page may not take it, then -2, -3...
        until no other page has the address. Renames are reported.
        """
        candidate, reason = base, ""
        if parent is None and (
            base in self._reserved() or YEAR_SLUG.match(base) or base.startswith("sitemap")
        ):
            candidate, reason = f"{base}-page", f"/{base}/ is an address of this site"
        elif SUB_PAGE_SLUG.match(base):
            candidate, reason = f"{base}-page", f"“{base}” is an address under every page"
        prefix = f"{parent.path}/" if parent is not None else ""
        taken = set(
            Page.objects.filter(path__startswith=prefix + candidate)
            .exclude(pk=page.pk if page is not None else None)
            .values_list("path", flat=True)
        )
        if (
            page is not None
            and page.parent_id == (parent.pk if parent else None)
            and prefix + page.slug not in taken
            and (page.slug == candidate or re.fullmatch(rf"{re.escape(candidate)}-\d+", page.slug))
        ):
            return page.slug
        slug, number = candidate, 2
        while prefix + slug in taken:
            slug, number = f"{candidate}-{number}", number + 1
            reason = reason or f"another page has /{prefix}{base}/"
        if report and slug != base and (page is None or page.slug != slug):
            self.report.rename(f"{label}: /{prefix}{base}/ became /{prefix}{slug}/ ({reason})")
        return slug

    def finish_pages(self) -> None:
        """Put the pages whose parent came later in the file under it."""
        for page_pk, parent_id, base, label in self.deferred_page_parents:
            page = Page.objects.select_related("parent").get(pk=page_pk)
            parent = self._imported_page(parent_id)
            if parent is None:
                self.report.warn(
                    f"{label}: its parent page {parent_id} is not in the export (or was "
                    "skipped); imported as a top-level page."
                )
                continue
            if page.parent_id == parent.pk:
                continue
            page.parent = parent
            page.slug = self._page_slug(base, parent, page, label)
            page.save()
            WordPressItem.objects.filter(page=page).update(fingerprint=sites.page_fingerprint(page))
        self.deferred_page_parents = []

    # Menus -----------------------------------------------------------------

    def collect_menu_item(self, post: wxr.Post) -> None:
        from wordpress.importer import plain_text

        menus = [term for term in post.terms if term.domain == "nav_menu"]
        if post.post_id is None or not menus:
            self.report.skip("menu entries", "in no menu" if post.post_id else "no post ID")
            return
        if (post.status.strip() or "publish") != "publish":
            self.report.skip("menu entries", f"status “{post.status.strip()}”")
            return
        meta = post.meta
        self.menu_entries.append(
            MenuEntry(
                post_id=post.post_id,
                menu=menus[0].slug or menus[0].name,
                menu_name=menus[0].name or menus[0].slug,
                title=plain_text(post.title),
                order=post.menu_order,
                parent=_int(meta.get("_menu_item_menu_item_parent", "")) or 0,
                type=meta.get("_menu_item_type", "").strip(),
                object=meta.get("_menu_item_object", "").strip(),
                object_id=_int(meta.get("_menu_item_object_id", "")),
                url=meta.get("_menu_item_url", "").strip(),
            )
        )

    def finish_menu(self) -> None:
        """
        The export's menu (the one with most entries when it has several) as the
        site menu, when the site menu is empty.
        """
        entries, self.menu_entries = self.menu_entries, []
        if not entries:
            return
        menus: dict[str, list[MenuEntry]] = {}
        for entry in entries:
            menus.setdefault(entry.menu, []).append(entry)

        # The menu with most entries that can come ("#" placeholders cannot); of two as
        # long, the one with fewer top-level entries (it fits a header better).
        def rank(slug: str) -> tuple[int, int]:
            real = sum(
                entry.type != "custom" or entry.url.startswith(("http:", "https:", "/"))
                for entry in menus[slug]
            )
            return real, -sum(not entry.parent for entry in menus[slug])

        chosen = max(menus, key=rank)
        for slug, others in menus.items():
            if slug != chosen:
                self.report.skip(
                    "menu entries",
                    f"in the menu “{others[0].menu_name}” (only one menu becomes the site "
                    f"menu: “{menus[chosen][0].menu_name}”)",
                    len(others),
                )
        entries = sorted(menus[chosen], key=lambda e: (e.order, e.post_id))
        if MenuItem.objects.exists():
            self.report.skip(
                "menu entries",
                "the site menu already has entries (it is filled only when empty)",
                len(entries),
            )
            return
        by_id = {entry.post_id: entry for entry in entries}

        def depth(entry: MenuEntry) -> int:
            number, seen, parent = 0, set(), entry.parent
            while parent in by_id and parent not in seen:
                seen.add(parent)
                number, parent = number + 1, by_id[parent].parent
            return number

        levels = {entry.post_id: depth(entry) for entry in entries}
        made: dict[int, MenuItem | None] = {}
        order = 0
        # Top-level entries first, then those beneath them; deeper ones cannot come.
        for level in (0, 1):
            for entry in entries:
                if levels[entry.post_id] > 1:
                    if level == 0:
                        self.report.skip("menu entries", "deeper than one level")
                    continue
                if levels[entry.post_id] != level:
                    continue
                item = self._menu_item(entry)
                if item is None:
                    made[entry.post_id] = None
                    continue
                parent = made.get(entry.parent) if level == 1 else None
                if level == 1 and parent is None:
                    self.report.warn(
                        f"Menu entry “{item.label}”: the entry above it could not be "
                        "imported; it is a top-level entry."
                    )
                item.parent, item.order = parent, order
                order += 1
                item.save()
                made[entry.post_id] = item
                self.report.add("menu entries", "imported")

    def _menu_item(self, entry: MenuEntry) -> MenuItem | None:
        """The MenuItem an entry becomes (not saved), or None with the reason reported."""
        label = entry.title
        item = MenuItem(kind=MenuItem.Kind.URL, placement=MenuItem.Placement.HEADER)
        if entry.type == "post_type" and entry.object == "page":
            page = self._imported_page(entry.object_id) if entry.object_id else None
            if page is None:
                self.report.skip("menu entries", "links to a page that was not imported")
                return None
            item.kind, item.page = MenuItem.Kind.PAGE, page
            label = label or page.title
        elif entry.type == "post_type" and entry.object == "post":
            found = (
                WordPressItem.objects.select_related("article")
                .filter(
                    site=self.wp_site, kind=WordPressItem.Kind.POST, wordpress_id=entry.object_id
                )
                .first()
            )
            if found is None:
                self.report.skip("menu entries", "links to a post that was not imported")
                return None
            item.url = found.article.get_absolute_url()
            label = label or found.article.title
        elif entry.type == "taxonomy" and entry.object in ("category", "post_tag"):
            tag = self.term_tags.get(entry.object_id)
            if tag is None:
                self.report.skip("menu entries", "links to a category or tag not in the export")
                return None
            item.kind, item.tag = MenuItem.Kind.TAG, tag
            label = label or tag.name
        elif entry.type == "custom":
            item.url = self._local_address(entry.url)
            try:
                check_address(item.url)
            except ValidationError:
                self.report.skip("menu entries", "custom link that is not an address (e.g. “#”)")
                return None
        else:
            what = entry.object or entry.type or "unknown"
            self.report.skip("menu entries", f"links to a {what.replace('_', ' ')}")
            return None
        item.label = (label or item.url or "(no label)")[:100]
        return item

    def _local_address(self, url: str) -> str:
        """An address on the old site as a path here (this site answers its old addresses)."""
        parts = urlsplit(url)
        site_host = urlsplit(self.site).netloc.lower()
        if parts.scheme in ("http", "https") and site_host and parts.netloc.lower() == site_host:
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return url[:500]
