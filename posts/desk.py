"""
The editors' desk on the article form (issue 12): autosave, revisions, the
Preview button, save buttons and messages that say what happens, tags by
typing, and the list's "last edited by" column. ArticleAdmin takes it as a
mixin; each part lives in its own module (autosave.admin, posts.revisions,
posts.preview, posts.publishing, posts.tag_field).
"""

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils import timezone

from autosave.admin import AutosaveAdminMixin
from posts import publishing, revisions
from posts.models import Article
from posts.preview import preview_article
from posts.tag_field import TagAutocompleteWidget, TagsField


class ArticleDeskMixin(AutosaveAdminMixin, revisions.RevisionAdminMixin):
    change_form_template = "admin/posts/article/change_form.html"

    # --- Revisions ---

    def revision_texts(self, versions):
        return revisions.article_texts(versions)

    def restore_version(self, obj, version):
        return revisions.restore_article(obj, version)

    # --- The list: who last edited ---

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(last_editor=revisions.last_editor_subquery(Article))
        )

    @admin.display(description="last edited by")
    def last_edited(self, article):
        return getattr(article, "last_editor", None) or "—"

    # --- Tags by typing ---

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs.update(
                widget=TagAutocompleteWidget(db_field, self.admin_site, using=kwargs.get("using")),
                form_class=TagsField,
                can_create=request.user.has_perm("posts.add_tag"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags" and isinstance(
            field.widget, admin.widgets.RelatedFieldWidgetWrapper
        ):
            # A new tag is typed in the field: no pop-up window.
            field.widget.can_add_related = False
            field.widget.can_change_related = False
            field.widget.can_view_related = False
            field.widget.can_delete_related = False
        return field

    # --- Preview ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name="posts_article_preview_new"),
            path(
                "<path:object_id>/preview/", view(self.preview_view), name="posts_article_preview"
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        return preview_article(self, request, object_id)

    # --- Saying what the save button does ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        status = form["status"].value() if "status" in form.fields else None
        pub_date = None
        if "pub_date" in form.fields:
            if form.is_bound:
                pub_date = getattr(form, "cleaned_data", {}).get("pub_date")
            else:
                pub_date = form.get_initial_for_field(form.fields["pub_date"], "pub_date")
        was_published = bool(
            obj and obj.pk and Article.objects.published().filter(pk=obj.pk).exists()
        )
        name = self.admin_site.name
        context["publish"] = {
            "label": publishing.save_label(status or Article.Status.DRAFT, pub_date, was_published),
            "was_published": was_published,
            "now": timezone.localtime().replace(tzinfo=None, microsecond=0).isoformat(),
            "preview_url": reverse(f"{name}:posts_article_preview", args=[obj.pk])
            if obj and obj.pk
            else reverse(f"{name}:posts_article_preview_new"),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Date a first publication now (posts.models); say what the save did."""
        was_published = bool(change and Article.objects.published().filter(pk=obj.pk).exists())
        asked = obj.pub_date
        moved = obj.date_first_publication()
        super().save_model(request, obj, form, change)
        message = publishing.saved_message(obj, was_published)
        if moved and "pub_date" in form.changed_data and asked and asked < obj.pub_date:
            message += (
                f" The publication time you gave ({publishing.when(asked)}) had passed: "
                f"it is dated now, {publishing.when(obj.pub_date)}."
            )
        request._article_saved_message = message

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        missing = [
            what
            for field, what in [("authors", "byline"), ("tags", "tags")]
            if field in form.cleaned_data and not form.cleaned_data[field]
        ]
        if missing:
            # Said after the save's own message (message_user below).
            request._article_warning = (
                f"This article has no {' and no '.join(missing)}: readers find articles "
                "by their authors and topics."
            )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """The add/change success message becomes the article's own ("Article published.")."""
        saved = getattr(request, "_article_saved_message", None)
        if saved is None or level != messages.SUCCESS:
            return super().message_user(request, message, level, *args, **kwargs)
        del request._article_saved_message
        super().message_user(request, saved, level, *args, **kwargs)
        warning = getattr(request, "_article_warning", None)
        if warning:
            del request._article_warning
            super().message_user(request, warning, messages.WARNING)
