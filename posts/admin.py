from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import JsonResponse
from django.template.defaultfilters import pluralize
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from autosave.admin import AutosaveAdminMixin
from posts import images, publishing, revisions
from posts.desk import ArticleDeskMixin
from posts.editor import ArticleBodyForm, PageBodyForm, picker_entry
from posts.models import Article, Author, Image, Outlet, Page, Quotation, SiteSettings, Tag
from posts.rendering import quotation_markers
from posts.trash_admin import TrashAdminMixin
from singletons.admin import SingleRowAdmin

IMAGE_CONTENT_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


# Addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class FeaturedImageField(forms.ImageField):
    """
    An image upload checked by posts.images: real PNG/JPEG/WebP/GIF only,
    within the byte and pixel limits. Each refusal is a form error.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        image = images.open_image(upload)
        upload.image = image
        upload.content_type = IMAGE_CONTENT_TYPES[image.format]
        upload.seek(0)
        return upload


class ImagePreviewWidget(admin.widgets.AdminFileWidget):
    """The file input with a thumbnail of the current image."""

    template_name = "admin/posts/image_preview_widget.html"


class QuotationFormSet(forms.BaseInlineFormSet):
    """
    Every ``[quote N]`` marker in the body must name a quotation submitted
    with it (not deleted), and stand in a paragraph of its own: one inside a
    paragraph is an error even when quotation N is also placed elsewhere.
    """

    def clean(self):
        super().clean()
        placed, misplaced = quotation_markers(
            self.instance.body or "",
            html=self.instance.body_format == Article.BodyFormat.HTML,
        )
        orders = {
            form.cleaned_data["order"]
            for form in self.forms
            if form.cleaned_data.get("order") is not None
            and not (self.can_delete and self._should_delete_form(form))
        }
        errors = [
            ValidationError(
                "The body places [quote %(order)s] but there is no quotation %(order)s below: "
                "add it or remove the marker.",
                code="unknown_quotation",
                params={"order": order},
            )
            for order in sorted(placed - orders)
        ]
        errors += [
            ValidationError(
                "[quote %(order)s] stands inside a paragraph of the body, where readers would "
                "see the marker itself: put it in a paragraph of its own (the editor's “Insert "
                "quotation” button does) or remove it.",
                code="misplaced_quotation_marker",
                params={"order": order},
            )
            for order in sorted(misplaced)
        ]
        if errors:
            raise ValidationError(errors)


class QuotationInline(admin.StackedInline):
    model = Quotation
    formset = QuotationFormSet
    extra = 0
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    autocomplete_fields = ["outlet"]
    fields = [("order", "speaker", "outlet"), "source_url", "text"]
    classes = ["quotations"]
    verbose_name = "quoted source"
    verbose_name_plural = "quoted sources (place one in the body with [quote N] on its own line)"


@admin.register(Article)
class ArticleAdmin(TrashAdminMixin, ArticleDeskMixin, admin.ModelAdmin):
    form = ArticleBodyForm
    list_display = [
        "title",
        "status_display",
        "pub_date",
        "byline",
        "tag_list",
        "last_edited",
        "view_link",
    ]
    list_filter = ["status", "tags", "authors"]
    search_fields = ["title", "slug", "dek", "body"]
    date_hierarchy = "pub_date"
    ordering = ["-pub_date", "-id"]
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "authors"]
    radio_fields = {"body_format": admin.HORIZONTAL}
    inlines = [QuotationInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview_link", "updated"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body", "body_format"]}),
        ("Byline and topics", {"fields": ["authors", "tags"]}),
        (
            "Publishing",
            {"fields": ["status", "pub_date", "comments_open", "preview_link", "updated"]},
        ),
        (
            "Featured image",
            {"fields": ["featured_image", "featured_image_alt", "featured_image_caption"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors", "tags")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "featured_image":
            kwargs.update(form_class=FeaturedImageField, widget=ImagePreviewWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="status", ordering="status")
    def status_display(self, article):
        if article.status == Article.Status.SCHEDULED and article.is_published():
            return Article.Status.PUBLISHED.label
        if article.status == Article.Status.SCHEDULED:
            return f"Scheduled for {publishing.when(article.pub_date)}"
        return article.get_status_display()

    @admin.display(description="authors")
    def byline(self, article):
        return ", ".join(author.name for author in article.authors.all())

    @admin.display(description="tags")
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description="on the site")
    def view_link(self, article):
        label = "View" if article.is_published() else "Preview"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label
        )

    @admin.display(description="on the site")
    def preview_link(self, article):
        if not article.pk:
            return "Save the article to preview it."
        label = (
            "View on the site" if article.is_published() else "Preview (readers cannot see it yet)"
        )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label
        )

    @admin.action(permissions=["change"], description="Publish the selected articles")
    def publish(self, request, queryset):
        """Publish; an article whose time is still ahead becomes scheduled."""
        count = self._set_status(queryset, Article.Status.PUBLISHED)
        self.message_user(
            request,
            f"Published {count} article{pluralize(count)} "
            "(any with a future publication time are scheduled).",
            messages.SUCCESS,
        )

    @admin.action(permissions=["change"], description="Unpublish the selected articles (to draft)")
    def unpublish(self, request, queryset):
        count = self._set_status(queryset, Article.Status.DRAFT)
        self.message_user(
            request, f"Moved {count} article{pluralize(count)} back to draft.", messages.SUCCESS
        )

    def _set_status(self, queryset, status) -> int:
        """Save each article with ``status`` (through save(), which schedules), return the count."""
        count = 0
        for article in queryset:
            article.status = status
            article.date_first_publication()  # A draft published now is dated now.
            article.save()
            count += 1
        return count

    def delete_queryset(self, request, queryset):
        """
        Deleting for good (superusers, from the trash: see TrashAdminMixin),
        one by one, so that Article.delete() removes each featured image's files.
        """
        for article in queryset:
            article.delete()

    def save_model(self, request, obj, form, change):
        if not change and not obj.pub_date:
            obj.pub_date = timezone.now()
        super().save_model(request, obj, form, change)


class ArticleCountMixin:
    """A column with the number of articles, counted in the list's own query."""

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(ArticleCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    ordering = ["name", "pk"]  # As TagAdmin's, for the byline's autocomplete.
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fields = ["name", "slug", "bio", "user", "email", "wordpress_login"]

    def get_readonly_fields(self, request, obj=None):
        # Only those who may see the user accounts may link one to an author.
        if request.user.has_perm("auth.view_user"):
            return []
        return ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))


@admin.register(Tag)
class TagAdmin(ArticleCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    # Explicit: a counted (GROUP BY) queryset leaves Meta.ordering out, and the
    # autocomplete (typing a tag in the article form) pages through it.
    ordering = ["name", "pk"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "slug", "home_url", "quotation_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quotation_count=Count("quotations"))

    @admin.display(description="quotations", ordering="quotation_count")
    def quotation_count(self, outlet):
        return outlet.quotation_count


@admin.register(Quotation)
class QuotationAdmin(admin.ModelAdmin):
    """Quotations are written inline on their article; this list finds them."""

    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["speaker", "outlet", "article", "order"]
    list_select_related = ["outlet", "article"]
    list_filter = ["outlet"]
    search_fields = ["speaker", "text", "article__title", "outlet__name"]
    autocomplete_fields = ["article", "outlet"]


@admin.register(Page)
class PageAdmin(
    TrashAdminMixin, AutosaveAdminMixin, revisions.RevisionAdminMixin, admin.ModelAdmin
):
    """
    Pages (About, Masthead...): the articles' rich-text body, autosave and
    revisions (history, compare, restore); a draft is previewed on the site.
    """

    form = PageBodyForm
    autosave_modified_field = "updated_at"
    list_display = ["title", "address", "status", "menu_order", "updated_at", "view_link"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "path", "dek", "body"]
    search_help_text = "Searches the title, address, dek and text."
    ordering = ["path"]
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["preview_link", "published_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "dek", "body", "body_format"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "menu_order",
                    "comments_open",
                    "preview_link",
                    "published_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def revision_texts(self, versions):
        return revisions.page_texts(versions)

    def restore_version(self, obj, version):
        return revisions.restore_page(obj, version)

    @admin.display(description="address", ordering="path")
    def address(self, page):
        return page.get_absolute_url()

    @admin.display(description="on the site")
    def view_link(self, page):
        label = "View" if page.is_published() else "Preview"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', page.get_absolute_url(), label
        )

    @admin.display(description="on the site")
    def preview_link(self, page):
        if not page.pk:
            return "Save the page to preview it."
        label = "View on the site" if page.is_published() else "Preview (readers cannot see it yet)"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', page.get_absolute_url(), label
        )


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingleRowAdmin):
    fields = ["name", "tagline", "place_line"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """
    The image library: upload once (checked and re-encoded like a featured
    image), place in any article from the body editor's picker. An image a
    published article shows cannot be deleted (the page lists those articles).
    """

    list_display = ["thumbnail", "alt_text", "caption", "credit", "uploaded_by", "created"]
    list_display_links = ["thumbnail", "alt_text"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit", "file"]
    search_help_text = "Searches the alt text, caption, credit and file name."
    date_hierarchy = "created"
    list_per_page = 40
    fields = ["file", "alt_text", "caption", "credit", "used_by"]
    readonly_fields = ["used_by"]
    picker_size = 24

    class Media:
        css = {"all": ["posts/editor.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs.update(form_class=FeaturedImageField, widget=ImagePreviewWidget)
        if db_field.name == "alt_text":
            kwargs["error_messages"] = {
                "required": "Describe the image for readers who cannot see it."
            }
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="image")
    def thumbnail(self, image):
        entry = picker_entry(image)
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="" width="96">', entry["thumbnail"]
        )

    @admin.display(description="used by")
    def used_by(self, image):
        articles = list(image.articles.order_by("-pub_date").only("title", "slug", "pub_date"))
        pages = list(image.pages.order_by("path").only("title", "path"))
        if not articles and not pages:
            return "No article or page shows this image yet."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((item.get_absolute_url(), item.title) for item in [*articles, *pages]),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """
        Published articles and pages showing an image protect it (both delete
        pages say which).
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            shown_by = [
                *(("article", a) for a in image.published_articles()),
                *(("page", p) for p in image.published_pages()),
            ]
            for kind, item in shown_by:
                protected.append(
                    format_html(
                        '{}: shown by the published {} <a href="{}">{}</a>',
                        image,
                        kind,
                        item.get_absolute_url(),
                        item.title,
                    )
                )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        obj.delete()

    def delete_queryset(self, request, queryset):
        """One by one, so that Image.delete() removes each image's files."""
        for image in queryset:
            image.delete()

    def get_urls(self):
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="posts_image_picker",
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """
        The editor's image picker: the newest library images matching ``q``
        (the admin's search), as JSON, for staff who may view the library.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request)
        query = request.GET.get("q", "").strip()[:200]
        if query:
            queryset, _ = self.get_search_results(request, queryset, query)
        images = list(queryset.order_by("-created", "-id")[: self.picker_size])
        return JsonResponse({"images": [picker_entry(image) for image in images]})
