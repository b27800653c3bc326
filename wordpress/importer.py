"""
Write a WordPress export into the site: authors, tags, articles, pages,
comments, the menu and the redirects from the old addresses.

``WordPressImporter.run`` reads the records ``wordpress.wxr.read_wxr`` yields,
in file order, and keeps only the current post and one batch of comments in
memory. WordPress IDs are recorded per WordPress site (WordPressItem for posts
and pages, Comment.wordpress_id within its article or page,
Author.wordpress_login, WordPressTerm), so importing the same file again adds
nothing, a newer export of the same site updates what changed and another
site's export only adds; what was changed here since is kept unless
``overwrite`` (wordpress.sites). Pages and the menu: wordpress.pages. The
caller runs it inside one transaction; everything it learns goes into an
``ImportReport``.
"""

from __future__ import annotations

import datetime
import html
import ipaddress
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from comments.models import Comment, comments_changed, target_fields
from markup.text import xml_safe
from posts.models import Article, Author, Page, Tag
from posts.rendering import render_body
from wordpress import sites, wxr
from wordpress.content import (
    ConvertedContent,
    content_notes,
    convert_content,
)
from wordpress.media import MediaImporter
from wordpress.models import LegacyRedirect, WordPressItem, WordPressTerm
from wordpress.pages import PagesAndMenus

COMMENT_BATCH_SIZE = 500
MAX_WARNINGS_SHOWN = 200
NO_TITLE = "(no title)"

POST_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
SKIPPED_POST_STATUSES = {"trash", "auto-draft", "inherit"}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
COMMENT_FIELDS = [
    "parent_id", "author_name", "author_email", "author_url", "ip_address", "user_agent",
    "submitted", "status", "body", "body_html", "wordpress_fingerprint",
]  # fmt: skip
_PRE_BLOCK = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def plain_text(value: str) -> str:
    """Markup and entities out: "Tom &amp; <em>Jerry</em>" -> "Tom & Jerry"."""
    return html.unescape(strip_tags(value)).strip()


def parse_wordpress_date(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    """'2012-01-03 17:11:37' in tz, or None for WordPress's '0000-00-00 00:00:00' or junk."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=tz)


def article_body(content_html: str) -> str:
    """
    The HTML stored as an imported article's body, whose format is HTML: the
    converted content cleaned as Article.save cleans an HTML body, without the
    empty paragraphs removed scripts leave, and with blank lines outside
    ``<pre>`` made single newlines. Article.save renders it to itself.
    """
    body = _EMPTY_PARAGRAPH.sub("", render_body(content_html, html=True)).strip()
    parts = _PRE_BLOCK.split(body)  # odd indexes: the <pre> elements, kept as they are
    return "".join(
        part if index % 2 else _BLANK_LINES.sub("\n", part) for index, part in enumerate(parts)
    )


def ascii_slug(*candidates: str, max_length: int) -> str:
    """The first candidate that gives a non-empty ASCII slug (percent-encoding decoded)."""
    for candidate in candidates:
        slug = slugify(unquote(candidate or ""))[:max_length].strip("-")
        if slug:
            return slug
    return ""


@dataclass
class ImportReport:
    """Counts per kind and outcome, reasons for skipping, warnings and shortcodes."""

    dry_run: bool = False
    wxr_version: str = ""
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    shortcodes: Counter = field(default_factory=Counter)
    shortcode_posts: dict[str, list[int]] = field(default_factory=dict)
    items: int = 0  # <item> elements read, whatever they are
    # Items changed here since they were imported and kept; pages renamed; old addresses
    # another article of this site already answers (see WordPressImporter).
    kept: list[str] = field(default_factory=list)
    kept_count: int = 0
    renamed: list[str] = field(default_factory=list)
    shadowed: list[str] = field(default_factory=list)
    shadowed_count: int = 0
    site: str = ""
    content_notes: list[str] = field(default_factory=list)
    content_note_count: int = 0

    KINDS = ("authors", "tags", "articles", "pages", "comments", "menu entries", "redirects")
    OUTCOMES = ("imported", "updated", "unchanged", "merged", "kept")

    def add(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[kind, outcome] += number

    def skip(self, kind: str, reason: str, number: int = 1) -> None:
        self.skipped[kind, reason] += number

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS_SHOWN:
            self.warnings.append(message)

    def count(self, kind: str, outcome: str) -> int:
        if outcome == "skipped":
            return sum(n for (k, _), n in self.skipped.items() if k == kind)
        return self.counts[kind, outcome]

    def note_shortcodes(self, post_id: int, found: Counter) -> None:
        for name, number in found.items():
            self.shortcodes[name] += number
            posts = self.shortcode_posts.setdefault(name, [])
            if len(posts) < 10 and post_id not in posts:
                posts.append(post_id)

    def keep(self, what: str) -> None:
        """An item changed here since its import, left as it is."""
        self.kept_count += 1
        if len(self.kept) < MAX_WARNINGS_SHOWN:
            self.kept.append(what)

    def rename(self, what: str) -> None:
        self.renamed.append(what)

    def shadow(self, what: str) -> None:
        """An old address this site already answers with something else."""
        self.shadowed_count += 1
        if len(self.shadowed) < MAX_WARNINGS_SHOWN:
            self.shadowed.append(what)

    def note_content(self, label: str, notes: list[str]) -> None:
        """What of a post's content did not come across as it was (one line per post)."""
        if not notes:
            return
        self.content_note_count += 1
        if len(self.content_notes) < MAX_WARNINGS_SHOWN:
            self.content_notes.append(f"{label}: " + "; ".join(notes))

    def imported_nothing(self) -> str:
        """
        Why a non-empty export brought nothing in ("" when it did): none of its
        items (posts, pages, media...) became anything here.
        """
        if not self.items:
            return ""
        if any(
            number
            for (kind, _), number in self.counts.items()
            if kind not in ("authors", "tags", "redirects")
        ):
            return ""
        reasons = ", ".join(
            f"{number} {kind}: {reason}" for (kind, reason), number in sorted(self.skipped.items())
        )
        return f"none of its {self.items} items was imported ({reasons or 'no reason recorded'})."

    def render(self) -> str:
        lines = []
        version = f" (WXR {self.wxr_version})" if self.wxr_version else ""
        if self.dry_run:
            lines.append(f"Dry run{version}: nothing was written. The import would give:")
        else:
            lines.append(f"WordPress import{version} finished.")
        for kind in self.KINDS:
            parts = [
                f"{self.counts[kind, outcome]} {outcome}"
                for outcome in self.OUTCOMES
                if outcome not in ("merged", "kept") or self.counts[kind, outcome]
            ]
            skipped = self.count(kind, "skipped")
            if skipped or kind in ("articles", "comments"):
                parts.append(f"{skipped} skipped")
            lines.append(f"  {kind.capitalize()}: " + ", ".join(parts))
            reasons = sorted((r, n) for (k, r), n in self.skipped.items() if k == kind)
            for reason, number in reasons:
                lines.append(f"      skipped {number}: {reason}")
        if self.shortcodes:
            lines.append("  Shortcodes left as text (edit these articles by hand):")
            for name, number in sorted(self.shortcodes.items()):
                posts = ", ".join(str(p) for p in self.shortcode_posts.get(name, []))
                lines.append(f"      [{name}] {number}× in WordPress posts {posts}")
        if self.site:
            lines.insert(1, f"  From the WordPress site {self.site}.")
        if self.kept_count:
            lines.append(
                f"  Changed here since they were imported, kept as they are ({self.kept_count}; "
                "--overwrite replaces them with the export's):"
            )
            lines.extend(f"      - {what}" for what in self.kept)
            if self.kept_count > len(self.kept):
                lines.append(f"      … and {self.kept_count - len(self.kept)} more.")
        if self.renamed:
            lines.append(f"  Pages renamed ({len(self.renamed)}):")
            lines.extend(f"      - {what}" for what in self.renamed)
        if self.shadowed_count:
            lines.append(
                f"  Old addresses this site already answers with something else "
                f"({self.shadowed_count}; they keep showing it):"
            )
            lines.extend(f"      - {what}" for what in self.shadowed)
            if self.shadowed_count > len(self.shadowed):
                lines.append(f"      … and {self.shadowed_count - len(self.shadowed)} more.")
        if self.content_note_count:
            lines.append(
                f"  Content not carried over as it was ({self.content_note_count} posts; "
                "edit these articles by hand):"
            )
            lines.extend(f"      - {note}" for note in self.content_notes)
            if self.content_note_count > len(self.content_notes):
                lines.append(
                    f"      … and {self.content_note_count - len(self.content_notes)} more."
                )
        if self.warning_count:
            lines.append(f"  Warnings ({self.warning_count}):")
            lines.extend(f"      - {warning}" for warning in self.warnings)
            if self.warning_count > len(self.warnings):
                lines.append(f"      … and {self.warning_count - len(self.warnings)} more.")
        else:
            lines.append("  No warnings.")
        return "\n".join(lines)


class CommentRenderer:
    """
    comments.sanitize.sanitize_comment for a batch of comments at once.

    Sanitizing costs about a millisecond a comment, mostly per call. Comments
    without markup (no "<") are joined with a separator paragraph, sanitized in
    one call and split again; since each comment's paragraphs are sanitized and
    linkified on their own, the result is the same as one call per comment.
    Every batch checks that against separate calls for its first and last
    comments, and falls back to one call per comment for good if they differ.
    """

    def __init__(self) -> None:
        self.separator = f"wordpressimportseparator{secrets.token_hex(8)}"
        self.batching = True

    def __call__(self, bodies: list[str]) -> list[str]:
        from comments.sanitize import sanitize_comment

        results: list[str | None] = [None] * len(bodies)
        simple = [
            index
            for index, body in enumerate(bodies)
            if body.strip()
            and "<" not in body
            and self.separator not in body
            and xml_safe(body) == body  # characters the filter removes: sanitized alone
        ]
        if self.batching and len(simple) > 2:
            joined = f"\n\n{self.separator}\n\n".join(bodies[index] for index in simple)
            parts = sanitize_comment(joined).split(f"\n<p>{self.separator}</p>\n")
            if (
                len(parts) == len(simple)
                and parts[0] == sanitize_comment(bodies[simple[0]])
                and parts[-1] == sanitize_comment(bodies[simple[-1]])
            ):
                for index, part in zip(simple, parts, strict=True):
                    results[index] = part
            else:
                self.batching = False
        return [
            sanitize_comment(body) if result is None else result
            for body, result in zip(bodies, results, strict=True)
        ]


@dataclass
class _PendingComment:
    wordpress_id: int
    parent_wordpress_id: int | None
    values: dict


class WordPressImporter(PagesAndMenus):
    """Imports one export; see the module docstring. Not thread-safe, use once."""

    def __init__(
        self,
        *,
        site_timezone: datetime.tzinfo | None = None,
        dry_run: bool = False,
        progress: Callable[[ImportReport], None] | None = None,
        overwrite: bool = False,
        media: MediaImporter | None = None,
    ) -> None:
        # The export's images (wordpress.media): brought over, shown by the bodies.
        self.media = media or MediaImporter(dry_run=dry_run)
        self.export_path: Path | None = None
        self.site_timezone = site_timezone or timezone.get_current_timezone()
        # Replace what was changed here since the last import (see wordpress.sites).
        self.overwrite = overwrite
        self.wp_site = None
        self.older_export = False
        self.report = ImportReport(dry_run=dry_run)
        self.progress = progress or (lambda report: None)
        self.base_path = ""
        self.site = ""
        self.authors: dict[str, Author] = {}
        self.declared_authors = False
        self.terms: dict[tuple[str, str], Tag] = {}
        self.category_parents: dict[str, str] = {}
        # The current post: an article or a page (``target``), whose comments follow.
        self.article: Article | None = None
        self.article_is_new = False
        self.target = None
        self.target_is_new = False
        self.target_fields: dict = {}
        self.target_post_id: int | None = None
        self.target_date: datetime.datetime | None = None
        self._init_pages_and_menus()
        self.skipped_as = ""
        self.comment_batch: list[_PendingComment] = []
        self.comment_pks: dict[int, int] = {}
        self.created_comment_ids: set[int] = set()
        self.deferred_parents: list[tuple[int, int]] = []
        self.comment_renderer = CommentRenderer()
        # Reusable blocks (wp_block items) by ID, for the posts that place them.
        self.reusable_blocks = wxr.ReusableBlocks()

    # Reading ---------------------------------------------------------------

    def run(self, path: Path, source: BinaryIO | None = None) -> ImportReport:
        """Import the file; raises wxr.WXRError for a file that cannot be read."""
        self.export_path = path
        self.reusable_blocks.path = path
        for record in wxr.read_wxr(path, source):
            if isinstance(record, wxr.Comment):
                self.import_comment(record)
            elif isinstance(record, wxr.Post):
                self.report.items += 1
                self.import_post(record)
            elif isinstance(record, wxr.PostEnd):
                self.finish_post(record.post)
            elif isinstance(record, wxr.Author):
                self.declared_authors = True
                self.import_author(record)
            elif isinstance(record, wxr.Term):
                tag = self.import_term(
                    record.taxonomy, record.slug, record.name, record.parent_slug
                )
                if record.term_id is not None:
                    self.term_tags[record.term_id] = tag
                    if record.taxonomy == WordPressTerm.Taxonomy.CATEGORY:
                        self._add_redirects([f"{self.base_path}/?cat={record.term_id}"], tag=tag)
            elif isinstance(record, wxr.Channel):
                self.read_channel(record)
        self.finish_pages()
        self.finish_menu()
        return self.report

    def read_channel(self, channel: wxr.Channel) -> None:
        self.report.wxr_version = channel.wxr_version
        if channel.wxr_version and channel.wxr_version not in wxr.SUPPORTED_VERSIONS:
            self.report.warn(
                f"WXR version {channel.wxr_version} is newer than the 1.0 to 1.2 this importer "
                "knows; check the result."
            )
        site = channel.base_blog_url or channel.link
        self.base_path = unquote(urlsplit(site).path).rstrip("/")
        self.site = site
        key = sites.site_key(channel.base_blog_url, channel.base_site_url, channel.link)
        self.wp_site, _ = sites.find_site(key)
        self.report.site = key or "(no address given)"
        made = sites.export_time(channel.pub_date)
        last = self.wp_site.last_export_at
        if made is not None and last is not None and made < last and not self.overwrite:
            self.older_export = True
            self.report.warn(
                f"This export was made on {made:%Y-%m-%d %H:%M} UTC, before the one imported "
                f"last from this site ({last:%Y-%m-%d %H:%M} UTC): what is missing is added, "
                "nothing is changed."
            )
        elif made is not None:
            self.wp_site.last_export_at = made
            self.wp_site.save(update_fields=["last_export_at"])
        if self.export_path is not None:
            self.media.start(self.export_path, self.wp_site, channel)

    # Authors and tags ------------------------------------------------------

    def import_author(self, record: wxr.Author) -> Author | None:
        login = self._fit(record.login, 60, f"author login “{record.login[:60]}…”")
        if not login:
            self.report.skip("authors", "no login")
            return None
        name = (
            plain_text(record.display_name)
            or " ".join(filter(None, [record.first_name, record.last_name])).strip()
            or login
        )
        name = self._fit(name, 200, f"author {login}: name")
        email = record.email if self._valid_email(record.email) else ""
        author = Author.objects.filter(wordpress_login=login).order_by("pk").first()
        if author is None:
            slug = self._unique_slug(
                Author, ascii_slug(login, name, max_length=190) or "author", max_length=200
            )
            author = Author.objects.create(name=name, slug=slug, email=email, wordpress_login=login)
            self.report.add("authors", "imported")
        elif (author.name, author.email) != (name, email):
            author.name, author.email = name, email
            author.save(update_fields=["name", "email"])
            self.report.add("authors", "updated")
        else:
            self.report.add("authors", "unchanged")
        self.authors[login] = self.authors[record.login] = author  # posts name the full login
        if record.author_id is not None:
            self._query_address_redirect(f"?author={record.author_id}", author.get_absolute_url())
        return author

    def _query_address_redirect(self, query: str, target: str) -> None:
        """The old address ``<site>/?name=N`` (e.g. ``?author=3``) leading to ``target``."""
        old_path = f"{self.base_path}/{query}"
        redirect, created = LegacyRedirect.objects.get_or_create(
            old_path=old_path, defaults={"target_url": target}
        )
        if created:
            self.report.add("redirects", "imported")
        elif redirect.target_url == target:
            self.report.add("redirects", "unchanged")
        elif not (redirect.article_id or redirect.tag_id or redirect.page_id):
            redirect.target_url = target
            redirect.save(update_fields=["target_url"])
            self.report.add("redirects", "updated")
        else:
            self.report.skip("redirects", "old address already leads elsewhere")

    def import_term(self, taxonomy: str, wp_slug: str, name: str, parent_slug: str = "") -> Tag:
        """A category or tag to its Tag; a category and a tag with the same slug share one."""
        name = plain_text(name)
        wp_slug = (wp_slug or "").strip() or ascii_slug(name, max_length=100) or "tag"
        key = (taxonomy, wp_slug)
        if key in self.terms:
            return self.terms[key]
        # The tag's name holds 100 characters, the WordPress name kept beside it 200.
        self._fit(name, 100, f"{taxonomy.replace('_', ' ')} “{wp_slug[:60]}”: name")
        name = name[:200]
        mapping = (
            WordPressTerm.objects.select_related("tag")
            .filter(taxonomy=taxonomy, wordpress_slug=wp_slug[:200])
            .first()
        )
        if mapping is not None:
            tag = mapping.tag
            if mapping.wordpress_name != name:
                if tag.name == mapping.wordpress_name[:100]:
                    tag.name = name[:100] or tag.name
                    tag.save(update_fields=["name"])
                mapping.wordpress_name = name
                mapping.save(update_fields=["wordpress_name"])
                self.report.add("tags", "updated")
            else:
                self.report.add("tags", "unchanged")
        else:
            slug = ascii_slug(wp_slug, name, max_length=100) or f"tag-{len(self.terms) + 1}"
            tag = Tag.objects.filter(slug=slug).first()
            if tag is None:
                tag = Tag.objects.create(name=name[:100] or slug, slug=slug)
                self.report.add("tags", "imported")
            else:
                self.report.add("tags", "merged")
            WordPressTerm.objects.create(
                taxonomy=taxonomy, wordpress_slug=wp_slug[:200], wordpress_name=name, tag=tag
            )
        self.terms[key] = tag
        if taxonomy == WordPressTerm.Taxonomy.CATEGORY:
            self.category_parents[wp_slug] = parent_slug
            self._add_redirects([f"/category/{self._category_path(wp_slug)}/"], tag=tag)
        else:
            self._add_redirects([f"/tag/{wp_slug}/"], tag=tag)
        return tag

    def _category_path(self, slug: str) -> str:
        """'parent/child' for a nested category, as WordPress's /category/ addresses have it."""
        parts, seen = [slug], {slug}
        parent = self.category_parents.get(slug, "")
        while parent and parent not in seen:
            parts.insert(0, parent)
            seen.add(parent)
            parent = self.category_parents.get(parent, "")
        return "/".join(parts)

    # Posts -----------------------------------------------------------------

    def import_post(self, post: wxr.Post) -> None:
        self.article, self.article_is_new = None, False
        self.target, self.target_is_new = None, False
        post_type = post.post_type.strip() or "post"
        label = self._label(post)
        if post_type == "wp_block" and post.post_id is not None:
            self.reusable_blocks[post.post_id] = post.content
            self.skipped_as = "reusable block"
            self.report.skip("articles", "reusable blocks: placed in the posts that use them")
            return
        if post_type == "page":
            self.import_page(post)
            return
        if post_type == "nav_menu_item":
            self.skipped_as = "menu entry"
            self.collect_menu_item(post)
            return
        if post_type != "post":
            self.skipped_as = post_type
            self.report.skip("articles", f"{post_type.replace('_', ' ')}s are not articles")
            return
        status = self._status_here(
            post, label, kind="articles", statuses=POST_STATUSES, draft=Article.Status.DRAFT
        )
        if status is None:
            return

        item = (
            WordPressItem.objects.select_related("article")
            .filter(site=self.wp_site, kind=WordPressItem.Kind.POST, wordpress_id=post.post_id)
            .first()
        )
        existing = item.article if item is not None else None
        pub_date = parse_wordpress_date(post.post_date_gmt, datetime.UTC) or parse_wordpress_date(
            post.post_date, self.site_timezone
        )
        if pub_date is None:
            pub_date = existing.pub_date if existing else timezone.now()
            if status != Article.Status.DRAFT:
                self.report.warn(f"{label}: no publication time; {pub_date:%Y-%m-%d} used.")

        modified = parse_wordpress_date(post.post_modified_gmt, datetime.UTC)
        if modified is not None:
            modified = max(modified, pub_date)

        title = self._fit(plain_text(post.title), 300, f"{label}: title")
        if not title:
            title = NO_TITLE
            self.report.warn(f"{label}: no title; imported as “{NO_TITLE}”.")
        converted = convert_content(
            post.content,
            reusable=self.reusable_blocks,
            footnotes=post.meta.get("footnotes", ""),
        )
        self.report.note_shortcodes(post.post_id, converted.shortcodes)
        base_slug = ascii_slug(post.post_name, title, max_length=190) or f"post-{post.post_id}"
        values = {
            "title": title,
            "slug": self._article_slug(base_slug, pub_date, existing),
            "dek": " ".join(plain_text(post.excerpt).split()),
            "body": self._body(converted, label),
            "body_format": Article.BodyFormat.HTML,
            "status": self._effective_status(status, pub_date),
            "pub_date": pub_date,
            "comments_open": post.comment_status.strip() != "closed",
        }
        authors = self._post_authors(post, label)
        tags = self._post_tags(post)

        if existing is None:
            article = Article(wordpress_id=post.post_id, **values)
            article.save()
            article.authors.set(authors)
            article.tags.set(tags)
            # "Last updated" is WordPress's, not the time of the import.
            self._set_updated(article, modified or pub_date)
            WordPressItem.objects.create(
                site=self.wp_site,
                kind=WordPressItem.Kind.POST,
                wordpress_id=post.post_id,
                article=article,
                fingerprint=sites.article_fingerprint(article),
            )
            self.article_is_new = True
            self.report.add("articles", "imported")
        elif self.older_export:
            article = existing
            self.report.add("articles", "unchanged")
        elif (
            item.fingerprint
            and sites.article_fingerprint(existing) != item.fingerprint
            and not self.overwrite
        ):
            article = existing
            self.report.keep(f"{label} (now “{article.title}”, {article.get_absolute_url()})")
            self.report.add("articles", "kept")
        else:
            article = existing
            changed = [name for name, value in values.items() if getattr(article, name) != value]
            for name in changed:
                setattr(article, name, values[name])
            author_ids = {a.pk for a in authors}
            tag_ids = {t.pk for t in tags}
            if changed:
                article.save()
                if modified:
                    self._set_updated(article, modified)
            if set(article.authors.values_list("pk", flat=True)) != author_ids:
                article.authors.set(authors)
                changed.append("authors")
            if set(article.tags.values_list("pk", flat=True)) != tag_ids:
                article.tags.set(tags)
                changed.append("tags")
            fingerprint = sites.article_fingerprint(article)
            if item.fingerprint != fingerprint:
                item.fingerprint = fingerprint
                item.save(update_fields=["fingerprint"])
            self.report.add("articles", "updated" if changed else "unchanged")
        self.article = article
        self.media.set_featured_image(article, post, label)
        self._set_target(article, post.post_id, article.pub_date)
        self.target_is_new = self.article_is_new
        self._add_redirects(self._old_paths(post, article), article=article, label=label)

    def _set_target(self, target, post_id: int, when: datetime.datetime) -> None:
        """The article or page the comments that follow belong to."""
        self.target, self.target_post_id, self.target_date = target, post_id, when
        self.target_fields = target_fields(target)

    def converted_body(self, post: wxr.Post) -> str:
        """A page's body, converted as an article's is."""
        label = self._label(post).replace("post ", "page ", 1)
        converted = convert_content(
            post.content,
            reusable=self.reusable_blocks,
            footnotes=post.meta.get("footnotes", ""),
        )
        self.report.note_shortcodes(post.post_id, converted.shortcodes)
        return self._body(converted, label)

    def _body(self, converted: ConvertedContent, label: str) -> str:
        """The article body of converted content; what did not come across noted in the report."""
        source = self.media.rewrite_body(converted.html, label)
        self.report.note_content(label, content_notes(converted, source))
        return article_body(source)

    def _fit(self, value: str, max_length: int, what: str) -> str:
        """``value`` cut to ``max_length`` characters, with a warning when it was longer."""
        if len(value) <= max_length:
            return value
        self.report.warn(
            f"{what} is {len(value)} characters long, more than the {max_length} kept; cut."
        )
        return value[:max_length]

    def _status_here(self, post: wxr.Post, label: str, *, kind: str, statuses: dict, draft: str):
        """
        The status a post or page (``kind`` "articles" or "pages") takes here
        from its WordPress status, or None when it is not imported (trash,
        auto-drafts, revisions, no ID), counted and reported. Private,
        password-protected and unknown ones, and scheduled pages, come as
        drafts so that they stay hidden; the report says so.
        """
        noun = "post" if kind == "articles" else "page"
        wp_status = post.status.strip() or "publish"
        if wp_status in SKIPPED_POST_STATUSES:
            self.skipped_as = f"{wp_status} {noun}"
            self.report.skip(kind, f"status “{wp_status}”")
            return None
        if post.post_id is None:
            self.skipped_as = f"{noun} without an ID"
            self.report.skip(kind, "no post ID")
            self.report.warn(f"{label}: no <wp:post_id>; skipped.")
            return None
        status = statuses.get(wp_status)
        if status is None:
            status = draft
            self.report.warn(f"{label}: unknown status “{wp_status}”; imported as a draft.")
        elif wp_status == "private":
            self.report.warn(f"{label}: private on WordPress; imported as a draft.")
        elif wp_status == "future" and status == draft:
            self.report.warn(f"{label}: scheduled on WordPress; imported as a draft.")
        if post.password and status != draft:
            status = draft
            self.report.warn(
                f"{label}: password-protected on WordPress; imported as a draft so that it "
                "stays hidden."
            )
        return status

    @staticmethod
    def _set_updated(article: Article, when: datetime.datetime) -> None:
        """Set the last-updated time, which Article.save() would make now."""
        Article.objects.filter(pk=article.pk).update(updated=when)
        article.updated = when

    def _label(self, post: wxr.Post) -> str:
        title = plain_text(post.title)
        return f"post {post.post_id} “{title}”" if title else f"post {post.post_id}"

    @staticmethod
    def _effective_status(status: str, pub_date: datetime.datetime) -> str:
        """The status Article.save will store: scheduled and published follow the time."""
        if status == Article.Status.DRAFT:
            return status
        future = pub_date > timezone.now()
        return Article.Status.SCHEDULED if future else Article.Status.PUBLISHED

    def _article_slug(
        self, base: str, pub_date: datetime.datetime, existing: Article | None
    ) -> str:
        """base, or base-2, base-3... : unique among the articles of the same (local) month."""
        local = timezone.localtime(pub_date)
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        taken = set(
            Article.objects.filter(pub_date__gte=start, pub_date__lt=end, slug__startswith=base)
            .exclude(pk=existing.pk if existing else None)
            .values_list("slug", flat=True)
        )
        if (
            existing is not None
            and existing.slug not in taken
            and (existing.slug == base or re.fullmatch(rf"{re.escape(base)}-\d+", existing.slug))
        ):
            return existing.slug
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def _post_authors(self, post: wxr.Post, label: str) -> list[Author]:
        login = post.creator.strip()
        if not login:
            return []
        author = self.authors.get(login)
        if author is None and not self.declared_authors:
            # WXR 1.0 lists no authors: make them from the posts' logins.
            author = self.import_author(wxr.Author(login=login))
        if author is None:
            self.report.warn(
                f"{label}: author “{login}” is not among the export's authors; imported "
                "without an author."
            )
            return []
        return [author]

    def _post_tags(self, post: wxr.Post) -> list[Tag]:
        tags: dict[int, Tag] = {}
        for term in post.terms:
            if term.domain in (WordPressTerm.Taxonomy.CATEGORY, WordPressTerm.Taxonomy.POST_TAG):
                tag = self.import_term(term.domain, term.slug, term.name)
                tags[tag.pk] = tag
        return list(tags.values())

    def _old_paths(self, post: wxr.Post, article: Article) -> list[str]:
        paths = []
        slug = post.post_name.strip()
        local = parse_wordpress_date(post.post_date, self.site_timezone) or timezone.localtime(
            article.pub_date, self.site_timezone
        )
        if slug:
            day = f"{local:%Y}/{local:%m}/{local:%d}"
            paths += [
                f"{self.base_path}/{day}/{slug}/",
                f"{self.base_path}/{local:%Y}/{local:%m}/{slug}/",
                f"{self.base_path}/{slug}/",
            ]
        if post.link:
            parts = urlsplit(post.link.strip())
            if parts.path.strip("/"):
                paths.append(parts.path)
        return paths

    def _add_redirects(
        self,
        paths: list[str],
        *,
        article: Article | None = None,
        tag: Tag | None = None,
        page: Page | None = None,
        label: str = "",
    ) -> None:
        """
        Old addresses leading to the article, page or tag. An address this
        site already answers (another article's or page's, or an old address
        already leading elsewhere, e.g. from another WordPress site) is left as
        it is and named in the report.
        """
        target = (article or page or tag).get_absolute_url()
        wanted, seen = [], set()
        for path in paths:
            path = "/" + unquote(path.strip()).lstrip("/")
            if len(path) > 500 or path == target or path in seen or path == "/":
                continue
            seen.add(path)
            other = self._other_answer(path, article, page)
            if other:
                self.report.skip("redirects", "old address is another article's or page's address")
                if label:
                    self.report.shadow(
                        f"{path} ({label}) is the address of {other}; {label} is at {target}"
                    )
                continue
            wanted.append(path)
        if not wanted:
            return
        existing = {
            r.old_path: r
            for r in LegacyRedirect.objects.select_related("article", "page", "tag").filter(
                old_path__in=wanted
            )
        }
        new = []
        mine = (article.pk if article else None, tag.pk if tag else None, page.pk if page else None)
        for path in wanted:
            redirect = existing.get(path)
            if redirect is None:
                new.append(LegacyRedirect(old_path=path, article=article, tag=tag, page=page))
            elif (redirect.article_id, redirect.tag_id, redirect.page_id) == mine:
                self.report.add("redirects", "unchanged")
            else:
                self.report.skip("redirects", "old address already leads elsewhere")
                if label:
                    now = redirect.article or redirect.page or redirect.tag or redirect.target_url
                    self.report.shadow(
                        f"{path} ({label}) already leads to “{now}” (imported before); "
                        f"{label} is at {target}"
                    )
        LegacyRedirect.objects.bulk_create(new)
        self.report.add("redirects", "imported", len(new))

    @staticmethod
    def _other_answer(path: str, article: Article | None, page: Page | None) -> str:
        """
        What this site shows at ``path`` when it is the live address of an
        article or page other than the given one ("the article “…”"), or "".
        """
        try:
            match = resolve(path)
        except Resolver404:
            return ""
        if match.view_name == "posts:page":
            other = (
                Page.objects.filter(path=match.kwargs["path"].strip("/"))
                .exclude(pk=page.pk if page else None)
                .first()
            )
            return f"the page “{other.title}”" if other else ""
        if match.view_name != "posts:article":
            return ""
        year, month = match.kwargs["year"], match.kwargs["month"]
        if not 1 <= month <= 12:
            return ""
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        other = (
            Article.objects.filter(slug=match.kwargs["slug"], pub_date__gte=start, pub_date__lt=end)
            .exclude(pk=article.pk if article else None)
            .first()
        )
        return f"the article “{other.title}”" if other else ""

    # Comments --------------------------------------------------------------

    def import_comment(self, record: wxr.Comment) -> None:
        if self.target is None:
            self.report.skip("comments", f"on a skipped {self.skipped_as.replace('_', ' ')}")
            return
        comment_type = record.comment_type.strip().lower() or "comment"
        if comment_type in ("pingback", "trackback"):
            self.report.skip("comments", f"{comment_type}s")
            return
        if comment_type != "comment":
            self.report.skip("comments", f"type “{comment_type}”")
            return
        where = f"comment {record.comment_id} on post {self.target_post_id}"
        if record.comment_id is None:
            self.report.skip("comments", "no comment ID")
            self.report.warn(f"A comment on post {self.target_post_id} has no ID; skipped.")
            return
        status = COMMENT_STATUSES.get(record.approved.strip().lower())
        if status is None:
            status = Comment.Status.PENDING
            self.report.warn(f"{where}: unknown status “{record.approved}”; held as pending.")
        submitted = parse_wordpress_date(record.date_gmt, datetime.UTC) or parse_wordpress_date(
            record.date, self.site_timezone
        )
        if submitted is None:
            submitted = self.target_date or timezone.now()
            self.report.warn(f"{where}: no date; the article's publication time used.")
        name = plain_text(record.author) or "Anonymous"
        if len(name) > 100:
            self.report.warn(f"{where}: name longer than 100 characters, shortened.")
        url = record.author_url.strip()
        if len(url) > 200:
            self.report.warn(f"{where}: website address longer than 200 characters, left out.")
            url = ""
        elif url and not self._valid_url(url):
            self.report.warn(f"{where}: website “{url}” is not an http(s) address, left out.")
            url = ""
        email = record.author_email.strip()
        body = record.content.replace("\r\n", "\n")
        parent = record.parent if record.parent else None
        self._queue_comment(
            _PendingComment(
                wordpress_id=record.comment_id,
                parent_wordpress_id=parent,
                values={
                    "parent_id": self.comment_pks.get(parent) if parent else None,
                    "author_name": name[:100],
                    "author_email": email if self._valid_email(email) else "",
                    "author_url": url,
                    "ip_address": self._ip_address(record.author_ip),
                    "user_agent": record.user_agent.strip()[:500],
                    "submitted": submitted,
                    "status": status,
                    "body": body,
                    "body_html": "",  # rendered for the whole batch in _flush_comments
                },
            )
        )

    def _queue_comment(self, pending: _PendingComment) -> None:
        self.comment_batch.append(pending)
        if len(self.comment_batch) >= COMMENT_BATCH_SIZE:
            self._flush_comments()

    def _flush_comments(self) -> None:
        """
        Write the batch: bulk_create the new comments, bulk_update the changed
        ones, then link the replies whose parent was written in the same batch.
        """
        batch, self.comment_batch = self.comment_batch, []
        if not batch:
            return
        rendered = self.comment_renderer([pending.values["body"] for pending in batch])
        for pending, body_html in zip(batch, rendered, strict=True):
            pending.values["body_html"] = body_html
        for pending in batch:
            values = pending.values
            values["wordpress_fingerprint"] = sites.comment_fingerprint(
                values["status"], values["body"]
            )
        existing = {}
        if not self.target_is_new:
            existing = {
                c.wordpress_id: c
                for c in Comment.objects.filter(
                    **self.target_fields, wordpress_id__in=[p.wordpress_id for p in batch]
                )
            }
        new, changed, unchanged, kept = [], {}, {}, {}
        for pending in batch:
            # A parent not written yet is linked below, or at the end of the post.
            later_parent = pending.parent_wordpress_id and pending.values["parent_id"] is None
            comment = existing.get(pending.wordpress_id)
            if comment is None:
                new.append(
                    Comment(
                        **self.target_fields, wordpress_id=pending.wordpress_id, **pending.values
                    )
                )
                continue
            if self.older_export or self._changed_here(comment):
                # Kept as it is: an older export, or a moderator's decision or an edit here.
                if not self.older_export:
                    kept[pending.wordpress_id] = comment
                    self.report.add("comments", "kept")
                    self.report.keep(
                        f"comment {pending.wordpress_id} on post {self.target_post_id} "
                        f"({comment.get_status_display().lower()} here)"
                    )
                else:
                    unchanged[pending.wordpress_id] = comment
                continue
            fields = [
                name
                for name, value in pending.values.items()
                if getattr(comment, name) != value
                and not (later_parent and name == "parent_id")
                and name != "wordpress_fingerprint"
            ]
            if fields:
                fields.append("wordpress_fingerprint")
            for name in fields:
                setattr(comment, name, pending.values[name])
            (changed if fields else unchanged)[pending.wordpress_id] = comment
        Comment.objects.bulk_create(new)
        for comment in [*new, *changed.values(), *unchanged.values(), *kept.values()]:
            self.comment_pks[comment.wordpress_id] = comment.pk
        self.created_comment_ids.update(comment.wordpress_id for comment in new)

        relinked = []
        by_id = {c.wordpress_id: c for c in new} | changed | unchanged
        for pending in batch:
            if not pending.parent_wordpress_id or pending.values["parent_id"] is not None:
                continue
            if pending.wordpress_id in kept or (
                self.older_export and pending.wordpress_id in existing
            ):
                continue
            parent_pk = self.comment_pks.get(pending.parent_wordpress_id)
            if parent_pk is None:
                self.deferred_parents.append((pending.wordpress_id, pending.parent_wordpress_id))
                continue
            comment = by_id[pending.wordpress_id]
            if comment.parent_id != parent_pk:
                comment.parent_id = parent_pk
                if pending.wordpress_id in unchanged:
                    changed[pending.wordpress_id] = unchanged.pop(pending.wordpress_id)
                elif pending.wordpress_id not in changed:
                    relinked.append(comment)
        if changed:
            Comment.objects.bulk_update(changed.values(), COMMENT_FIELDS)
        if relinked:
            Comment.objects.bulk_update(relinked, ["parent_id"])
        if new or changed or relinked:
            self._comments_changed()
        self.report.add("comments", "imported", len(new))
        self.report.add("comments", "updated", len(changed))
        self.report.add("comments", "unchanged", len(unchanged))
        self.progress(self.report)

    def _changed_here(self, comment: Comment) -> bool:
        """The comment's status or text differ from what the import last wrote."""
        if not comment.wordpress_fingerprint or self.overwrite:
            return False
        return comment.wordpress_fingerprint != sites.comment_fingerprint(
            comment.status, comment.body
        )

    def _comments_changed(self) -> None:
        if "page" in self.target_fields:
            comments_changed.send(sender=Comment, article_ids=set(), page_ids={self.target.pk})
        else:
            comments_changed.send(sender=Comment, article_ids={self.target.pk})

    def finish_post(self, post: wxr.Post) -> None:
        """After a post's last comment: write the rest, link replies to later parents."""
        if self.target is not None:
            self._flush_comments()
            for wordpress_id, parent_wordpress_id in self.deferred_parents:
                parent_pk = self.comment_pks.get(parent_wordpress_id)
                if parent_pk is None:
                    self.report.warn(
                        f"comment {wordpress_id} on post {post.post_id}: its parent comment "
                        f"{parent_wordpress_id} is not in the export (or was skipped); "
                        "imported as a top-level comment."
                    )
                updated = (
                    Comment.objects.filter(pk=self.comment_pks[wordpress_id])
                    .exclude(parent_id=parent_pk)
                    .update(parent_id=parent_pk)
                )
                if updated:
                    self._comments_changed()
                if updated and wordpress_id not in self.created_comment_ids:
                    self.report.add("comments", "updated")
        if "page" in self.target_fields and self.target is not None:
            self._open_page_comments(post)
        self.article, self.article_is_new, self.skipped_as = None, False, ""
        self.target, self.target_is_new, self.target_fields = None, False, {}
        self.comment_pks, self.created_comment_ids, self.deferred_parents = {}, set(), []
        self.progress(self.report)

    # Helpers ---------------------------------------------------------------

    @staticmethod
    def _valid_email(value: str) -> bool:
        if not value or len(value) > 254:
            return False
        try:
            validate_email(value)
        except ValidationError:
            return False
        return True

    @staticmethod
    def _valid_url(value: str) -> bool:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            return False
        return True

    @staticmethod
    def _ip_address(value: str) -> str | None:
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            return None

    @staticmethod
    def _unique_slug(model, base: str, *, max_length: int) -> str:
        taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            suffix = f"-{number}"
            slug, number = base[: max_length - len(suffix)] + suffix, number + 1
        return slug


def site_timezone(name: str | None) -> datetime.tzinfo:
    """The named time zone, or the site's TIME_ZONE."""
    return ZoneInfo(name) if name else timezone.get_default_timezone()
