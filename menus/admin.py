from django.contrib import admin
from django.db.models import F
from django.db.models.functions import Coalesce

from menus.models import MenuItem

TARGET_FIELDS = ["page", "tag", "outlet", "author"]


class ChildInline(admin.StackedInline):
    """
    The entries beneath a top-level one (shown wherever their parent is);
    stacked: four target columns would not fit a laptop's screen in a table.
    """

    model = MenuItem
    fk_name = "parent"
    fields = ["label", ("kind", "order"), ("page", "tag"), ("outlet", "author"), "url"]
    autocomplete_fields = TARGET_FIELDS
    extra = 0
    verbose_name = "entry beneath this one"
    verbose_name_plural = "entries beneath this one (one level deep)"
    ordering = ["order", "id"]


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    """
    The site menu: the list shows every entry in menu order, each top-level
    entry followed by those beneath it; a top-level entry's form edits its
    children inline.
    """

    list_display = ["entry", "kind", "target", "shown_in", "order"]
    list_display_links = ["entry"]
    list_editable = ["order"]
    list_filter = ["placement", "kind"]
    show_full_result_count = False  # A filtered list does not count every entry again.
    list_select_related = ["page", "tag", "outlet", "author", "parent"]
    search_fields = ["label", "url"]
    autocomplete_fields = TARGET_FIELDS
    fieldsets = [
        (None, {"fields": ["label", "kind", "placement", "order", "parent"]}),
        ("Links to", {"fields": [("page", "tag"), ("outlet", "author"), "url"]}),
    ]
    inlines = [ChildInline]
    # Top-level entries in order, each followed by its children in order.
    ordering = [
        Coalesce("parent__order", "order").asc(),
        Coalesce("parent_id", "id").asc(),
        F("parent").asc(nulls_first=True),
        "order",
        "id",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_page_visibility()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The parent list offers top-level entries only (clean() says why otherwise)."""
        if db_field.name == "parent":
            kwargs["queryset"] = MenuItem.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        """Children only under a top-level entry: the menu is one level deep."""
        return [] if obj is not None and obj.parent_id else self.inlines

    @admin.display(description="entry", ordering="label")
    def entry(self, item: MenuItem) -> str:
        return f"↳ {item.label}" if item.parent_id else item.label

    @admin.display(description="shown in")
    def shown_in(self, item: MenuItem) -> str:
        """A child is shown wherever its parent is."""
        if item.parent_id:
            return f"{item.parent.get_placement_display()} (beneath “{item.parent}”)"
        return item.get_placement_display()

    @admin.display(description="links to")
    def target(self, item: MenuItem) -> str:
        if item.kind in MenuItem.TARGET_FIELDS and item.get_url() is None:
            return f"Nothing: its {item.get_kind_display().lower()} was deleted (hidden)"
        if item.kind == MenuItem.Kind.PAGE and not item.page_visible:
            return f"{item.page} (not published: hidden until it is)"
        target = getattr(item, MenuItem.TARGET_FIELDS.get(item.kind, ""), None)
        return str(target) if target else item.get_url()
