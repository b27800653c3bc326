"""
Revisions of articles with django-reversion: every save through the admin
keeps one version of the article with its tags, authors and quotations (one
revision), with who and when. The history screen lists them; any two are
compared as words (the HTML reduced to text, block by block, difflib's
insertions and deletions shown with <ins> and <del>); any one is restored,
which saves the article again and so makes a new version.

RevisionAdminMixin is generic: another model gets the same with two lines,
``reversion.register(Model, fields=..., follow=...)`` and the mixin on its
ModelAdmin with ``revision_texts`` and ``restore_version`` for that model.
"""

import difflib
import html
import re
from collections.abc import Iterable, Sequence

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from posts.models import Article, Author, Outlet, Page, Quotation, Tag
from posts.rendering import render_body

ARTICLE_FIELDS = [
    "title",
    "slug",
    "dek",
    "body",
    "body_format",
    "authors",
    "tags",
    "status",
    "pub_date",
    "comments_open",
]
QUOTATION_FIELDS = ["article", "speaker", "outlet", "source_url", "text", "order"]
PAGE_FIELDS = [
    "title",
    "slug",
    "parent",
    "dek",
    "body",
    "body_format",
    "status",
    "menu_order",
    "comments_open",
]
# What a restore brings back: the writing, not the address or the publishing state.
RESTORED_FIELDS = ["title", "dek", "body", "body_format"]

BLOCK_END = re.compile(
    r"<br\s*/?>|</(?:p|h[1-6]|li|blockquote|figure|figcaption|pre|tr|div)\s*>|<hr\s*/?>", re.I
)
PARAGRAPH = "\n"


def register() -> None:
    """Articles follow their quotations: one revision holds both (tags and authors are ids)."""
    if not reversion.is_registered(Quotation):
        reversion.register(Quotation, fields=QUOTATION_FIELDS)
    if not reversion.is_registered(Article):
        reversion.register(Article, fields=ARTICLE_FIELDS, follow=["quotations"])
    if not reversion.is_registered(Page):
        reversion.register(Page, fields=PAGE_FIELDS)


# --- Text and diffs ----------------------------------------------------------


def html_to_text(markup: str) -> str:
    """The words of some HTML, one line per block (paragraph, heading, list item...)."""
    lines = (
        " ".join(html.unescape(strip_tags(block)).split()) for block in BLOCK_END.split(markup)
    )
    return PARAGRAPH.join(line for line in lines if line)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\n|[^\s]+", text)


def diff_html(old: str, new: str) -> SafeString:
    """
    ``old`` against ``new`` as HTML paragraphs (a line is a paragraph): words
    removed in <del>, words added in <ins>, everything escaped.
    """
    a, b = _tokens(old), _tokens(new)
    paragraphs: list[list[str]] = [[]]

    def emit(tokens: Sequence[str], tag: str | None) -> None:
        words: list[str] = []

        def flush() -> None:
            if words:
                text = escape(" ".join(words))
                paragraphs[-1].append(f"<{tag}>{text}</{tag}>" if tag else text)
                words.clear()

        for token in tokens:
            if token == PARAGRAPH:
                flush()
                if tag:
                    paragraphs[-1].append(f'<{tag} class="paragraph-mark">¶</{tag}>')
                paragraphs.append([])
            else:
                words.append(token)
        flush()

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            emit(a[i1:i2], None)
        if op in ("delete", "replace"):
            emit(a[i1:i2], "del")
        if op in ("insert", "replace"):
            emit(b[j1:j2], "ins")
    # Every piece was escaped above; the tags are ours.
    return mark_safe(  # noqa: S308
        "".join(f"<p>{' '.join(pieces)}</p>" for pieces in paragraphs if pieces)
    )


def compare(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[dict]:
    """Two versions' labelled texts, field by field: {"label", "diff", "changed"}."""
    old_texts = dict(old)
    rows = []
    for label, text in new:
        before = old_texts.get(label, "")
        rows.append({"label": label, "diff": diff_html(before, text), "changed": before != text})
    return rows


# --- The article's versions as text ------------------------------------------


def article_texts(versions: Iterable[Version]) -> dict[int, list[tuple[str, str]]]:
    """
    Each article version as labelled texts (title, dek, body, authors, tags,
    quotations), in a fixed number of queries whatever the number of versions.
    """
    versions = list(versions)
    quotation_versions = Version.objects.filter(
        revision_id__in={version.revision_id for version in versions},
        content_type=ContentType.objects.get_for_model(Quotation),
    ).order_by("pk")
    quotations_by_revision: dict[int, list[dict]] = {}
    for quotation_version in quotation_versions:
        quotations_by_revision.setdefault(quotation_version.revision_id, []).append(
            quotation_version.field_dict
        )
    author_ids, tag_ids, outlet_ids = set(), set(), set()
    for version in versions:
        author_ids.update(version.field_dict.get("authors", []))
        tag_ids.update(version.field_dict.get("tags", []))
    for quotations in quotations_by_revision.values():
        outlet_ids.update(quotation["outlet_id"] for quotation in quotations)
    authors = dict(Author.objects.filter(pk__in=author_ids).values_list("pk", "name"))
    tags = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    outlets = dict(Outlet.objects.filter(pk__in=outlet_ids).values_list("pk", "name"))

    texts = {}
    for version in versions:
        data = version.field_dict
        body = render_body(data["body"], html=data["body_format"] == Article.BodyFormat.HTML)
        quotations = sorted(
            quotations_by_revision.get(version.revision_id, []), key=lambda q: q["order"]
        )
        texts[version.pk] = [
            ("Title", data["title"]),
            ("Dek", data["dek"]),
            ("Body", html_to_text(body)),
            (
                "Authors",
                ", ".join(
                    authors.get(pk, f"(deleted author {pk})") for pk in data.get("authors", [])
                ),
            ),
            (
                "Tags",
                ", ".join(
                    sorted(tags.get(pk, f"(deleted tag {pk})") for pk in data.get("tags", []))
                ),
            ),
            (
                "Quotations",
                PARAGRAPH.join(
                    f"[quote {q['order']}] {q['speaker']}, "
                    f"{outlets.get(q['outlet_id'], '?')}: {' '.join(q['text'].split())} "
                    f"({q['source_url']})"
                    for q in quotations
                ),
            ),
        ]
    return texts


def restore_article(article: Article, version: Version) -> list[str]:
    """
    Put back the version's title, dek, body, authors, tags and quotations
    (address, status and dates stay); return what could not come back.
    Call inside a revision: the restored article becomes a new version.
    """
    data = version.field_dict
    for name in RESTORED_FIELDS:
        setattr(article, name, data[name])
    article.save()
    lost = []
    authors = list(Author.objects.filter(pk__in=data.get("authors", [])))
    tags = list(Tag.objects.filter(pk__in=data.get("tags", [])))
    if len(authors) < len(data.get("authors", [])):
        lost.append("an author deleted since")
    if len(tags) < len(data.get("tags", [])):
        lost.append("a tag deleted since")
    article.authors.set(authors)
    article.tags.set(tags)
    quotations = [
        quotation_version.field_dict
        for quotation_version in Version.objects.filter(
            revision_id=version.revision_id,
            content_type=ContentType.objects.get_for_model(Quotation),
        )
    ]
    outlets = set(
        Outlet.objects.filter(pk__in={q["outlet_id"] for q in quotations}).values_list(
            "pk", flat=True
        )
    )
    article.quotations.all().delete()
    for quotation in quotations:
        if quotation["outlet_id"] not in outlets:
            lost.append(f"quotation {quotation['order']} (its outlet was deleted)")
            continue
        Quotation.objects.create(
            article=article,
            **{name: quotation[name] for name in ["speaker", "source_url", "text", "order"]},
            outlet_id=quotation["outlet_id"],
        )
    return lost


def page_texts(versions: Iterable[Version]) -> dict[int, list[tuple[str, str]]]:
    """Each page version as labelled texts (title, dek, body), no query per version."""
    texts = {}
    for version in versions:
        data = version.field_dict
        body = render_body(data["body"], html=data["body_format"] == Article.BodyFormat.HTML)
        texts[version.pk] = [
            ("Title", data["title"]),
            ("Dek", data["dek"]),
            ("Body", html_to_text(body)),
        ]
    return texts


def restore_page(page: Page, version: Version) -> list[str]:
    """
    Put back the version's title, dek and body (address, parent and status
    stay); nothing can be lost. Call inside a revision, as restore_article.
    """
    for name in RESTORED_FIELDS:
        setattr(page, name, version.field_dict[name])
    page.save()
    return []


def last_editor_subquery(model: type[models.Model]) -> Subquery:
    """The username of whoever saved the newest version of each row (for annotate())."""
    versions = Version.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=Cast(OuterRef("pk"), models.CharField()),
    ).order_by("-revision__date_created", "-pk")
    return Subquery(versions.values("revision__user__username")[:1])


# --- The admin: history, compare, restore ------------------------------------


def version_label(version: Version) -> str:
    local = timezone.localtime(version.revision.date_created)
    return format_date(local, "j M Y, H:i")


class RevisionAdminMixin:
    """
    Put before admin.ModelAdmin. Saves through the admin (add, change, list
    actions, restores) each make a revision recording the user; the
    History screen lists the versions with Compare and Restore.
    Subclasses give ``revision_texts(versions)`` and ``restore_version(obj, version)``.
    """

    revision_history_template = "admin/revisions/history.html"
    revision_compare_template = "admin/revisions/compare.html"

    def revision_texts(self, versions) -> dict[int, list[tuple[str, str]]]:
        raise NotImplementedError

    def restore_version(self, obj, version) -> list[str]:
        raise NotImplementedError

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.revision_compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.revision_restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _in_revision(self, request, view, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return view(request, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_revision(
            request, super().changeform_view, object_id, form_url, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        return self._in_revision(request, super().changelist_view, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Added.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Saved without changes.")
        return entry

    def _revision_object(self, request, object_id, change=False):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def _versions(self, obj):
        return (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def _context(self, request, obj, title, **context):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": obj,
            "original": obj,
            "has_change_permission": self.has_change_permission(request, obj),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every version, newest first: who, when, what; pick two to compare, or restore one."""
        obj = self._revision_object(request, object_id)
        versions = list(self._versions(obj))
        context = self._context(
            request,
            obj,
            "History",
            versions=[{"version": v, "label": version_label(v)} for v in versions],
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_history_template, context)

    def revision_compare_view(self, request, object_id):
        """?a=<version>&b=<version>: the older against the newer, word by word."""
        obj = self._revision_object(request, object_id)
        try:
            wanted = {int(request.GET["a"]), int(request.GET["b"])}
        except (KeyError, ValueError):
            wanted = set()
        versions = sorted(
            self._versions(obj).filter(pk__in=wanted),
            key=lambda v: (v.revision.date_created, v.pk),
        )
        if len(wanted) != 2 or len(versions) != 2:
            messages.error(request, "Choose two versions to compare.")
            return HttpResponseRedirect(
                reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
                    args=[obj.pk],
                )
            )
        old, new = versions
        texts = self.revision_texts(versions)
        context = self._context(
            request,
            obj,
            "Compare versions",
            old={"version": old, "label": version_label(old)},
            new={"version": new, "label": version_label(new)},
            rows=compare(texts[old.pk], texts[new.pk]),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_compare_template, context)

    def revision_restore_view(self, request, object_id, version_id):
        """POST: bring a version back; the result is saved as a new version by this user."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._revision_object(request, object_id, change=True)
        version = self._versions(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such version of this object.")
        label = version_label(version)
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the version of {label}.")
            lost = self.restore_version(obj, version)
        messages.success(request, f"Restored the version of {label}.")
        if lost:
            messages.warning(request, f"Could not bring back: {', '.join(lost)}.")
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            )
        )
