"""
The site menu: ordered entries shown in the header and the footer, each linking
to a page, a tag, an outlet, an author, the archives, the tag index or any
address, with entries beneath them one level deep.

A target that is deleted leaves its entry in place without it (SET_NULL): the
entry is hidden from readers and flagged in the admin's list until an editor
points it somewhere else or deletes it, so the menu's arrangement (its label,
its place, its children) is never lost without anyone seeing it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from posts.models import Author, Outlet, Page, Tag

# What build_menu() reads of each entry, in this order: the entry, what its
# target's address is made of, and whether readers may see its page.
RENDERED_COLUMNS = (
    "id",
    "parent_id",
    "label",
    "kind",
    "url",
    "placement",
    "page_id",
    "page__path",
    "tag_id",
    "tag__slug",
    "outlet_id",
    "outlet__slug",
    "author_id",
    "author__slug",
    "page_visible",
)


class MenuItemQuerySet(models.QuerySet):
    def with_page_visibility(self):
        """Annotate ``page_visible``: the entry's page is one readers may see (published())."""
        published = Page.objects.published().filter(pk=OuterRef("page_id"))
        return self.annotate(page_visible=Exists(published))

    def for_rendering(self):
        """
        Every entry as a row of RENDERED_COLUMNS, in order: one query, the
        same on every request (menus.menu compiles it once per process).
        """
        return self.with_page_visibility().order_by("order", "id").values_list(*RENDERED_COLUMNS)


class MenuItem(models.Model):
    class Kind(models.TextChoices):
        PAGE = "page", "Page"
        TAG = "tag", "Tag"
        OUTLET = "outlet", "Outlet (its quoted-source page)"
        AUTHOR = "author", "Author"
        ARCHIVES = "archives", "Archives"
        TAG_INDEX = "tag_index", "Tag index"
        URL = "url", "Address (URL)"

    class Placement(models.TextChoices):
        HEADER = "header", "Header"
        FOOTER = "footer", "Footer"
        BOTH = "both", "Header and footer"

    # The field each kind links through (archives and the tag index need none).
    TARGET_FIELDS = {
        Kind.PAGE: "page",
        Kind.TAG: "tag",
        Kind.OUTLET: "outlet",
        Kind.AUTHOR: "author",
        Kind.URL: "url",
    }

    label = models.CharField(max_length=100, help_text="The words readers see in the menu.")
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.PAGE,
        help_text="What the entry links to; fill in the matching field below (the archives "
        "and the tag index need nothing more).",
    )
    page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a page entry. A draft page's entry is hidden until the page is published.",
    )
    tag = models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a tag entry: links to the tag's articles.",
    )
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For an outlet entry: links to the articles quoting it.",
    )
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For an author entry: links to the author's page.",
    )
    url = models.CharField(
        "address",
        max_length=500,
        blank=True,
        help_text="For an address entry: https://… or http://…, or a path of this site "
        "starting with /, e.g. /feed/.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="Show this entry beneath a top-level entry (one level deep only); "
        "it is then shown wherever its parent is.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Where the entry comes among its neighbours (lower first)."
    )
    placement = models.CharField(
        "shown in",
        max_length=10,
        choices=Placement,
        default=Placement.HEADER,
        help_text="Where a top-level entry is shown; entries beneath another follow their parent.",
    )

    objects = MenuItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "menu entry"
        verbose_name_plural = "menu entries"

    def __str__(self):
        return self.label

    def clean(self):
        """
        Exactly the target the kind needs (the others empty), an address
        readers can follow, and no entry deeper than one level.
        """
        errors = {}
        needed = self.TARGET_FIELDS.get(self.kind)
        for field in ("page", "tag", "outlet", "author", "url"):
            value = getattr(self, f"{field}_id" if field != "url" else field)
            kind_label = self.Kind(self.kind).label.lower() if self.kind in self.Kind else ""
            if field == needed and not value:
                errors[field] = f"A {kind_label} entry needs this."
            elif field != needed and value:
                errors[field] = f"Leave this empty: a {kind_label} entry does not use it."
        if needed == "url" and self.url and "url" not in errors:
            try:
                check_address(self.url)
            except ValidationError as error:
                errors["url"] = error.messages
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = "An entry cannot be beneath itself."
            elif self.parent.parent_id:
                errors["parent"] = (
                    "The menu is one level deep: choose a top-level entry "
                    f"(“{self.parent}” is itself beneath “{self.parent.parent}”)."
                )
            elif self.pk and self.children.exists():
                errors["parent"] = (
                    "This entry has entries beneath it: move them first (the menu is one "
                    "level deep)."
                )
        if errors:
            raise ValidationError(errors)

    def get_url(self) -> str | None:
        """Where the entry links to, or None when readers cannot follow it (see visible)."""
        match self.kind:
            case self.Kind.PAGE:
                return self.page.get_absolute_url() if self.page_id else None
            case self.Kind.TAG:
                return self.tag.get_absolute_url() if self.tag_id else None
            case self.Kind.OUTLET:
                return self.outlet.get_absolute_url() if self.outlet_id else None
            case self.Kind.AUTHOR:
                return self.author.get_absolute_url() if self.author_id else None
            case self.Kind.ARCHIVES:
                return reverse("posts:archives")
            case self.Kind.TAG_INDEX:
                return reverse("posts:tags")
            case self.Kind.URL:
                return self.url or None
        return None

    @property
    def visible(self) -> bool:
        """Readers see it: its target exists and, for a page, is published."""
        if self.kind == self.Kind.PAGE and not getattr(self, "page_visible", True):
            return False
        return self.get_url() is not None

    @property
    def shown_in_header(self) -> bool:
        return self.placement in (self.Placement.HEADER, self.Placement.BOTH)

    @property
    def shown_in_footer(self) -> bool:
        return self.placement in (self.Placement.FOOTER, self.Placement.BOTH)


_web_address = URLValidator(schemes=["http", "https"])


def check_address(value: str) -> None:
    """An http(s) address or a path of this site (/…, not //…); ValidationError otherwise."""
    if value.startswith("/") and not value.startswith("//"):
        if any(character.isspace() for character in value):
            raise ValidationError("A path cannot contain spaces.")
        return
    try:
        _web_address(value)
    except ValidationError:
        raise ValidationError(
            "Give an address starting with https:// or http://, or a path of this site "
            "starting with /."
        ) from None
