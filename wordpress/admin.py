"""The WordPress import's bookkeeping: technical, superusers only (security.admin_site)."""

from django.contrib import admin

from security.admin_site import TechnicalModelAdmin
from wordpress.models import (
    LegacyRedirect,
    WordPressItem,
    WordPressMedia,
    WordPressSite,
    WordPressTerm,
)


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(TechnicalModelAdmin):
    list_display = ["old_path", "article", "page", "tag", "target_url", "created"]
    list_select_related = ["article", "page", "tag"]
    search_fields = ["old_path", "article__title", "page__title", "tag__name", "target_url"]
    autocomplete_fields = ["article", "tag"]
    raw_id_fields = ["page"]
    date_hierarchy = "created"


@admin.register(WordPressTerm)
class WordPressTermAdmin(TechnicalModelAdmin):
    list_display = ["wordpress_slug", "taxonomy", "wordpress_name", "tag"]
    list_filter = ["taxonomy"]
    list_select_related = ["tag"]
    search_fields = ["wordpress_slug", "wordpress_name", "tag__name"]
    autocomplete_fields = ["tag"]


@admin.register(WordPressMedia)
class WordPressMediaAdmin(TechnicalModelAdmin):
    list_display = ["path", "site", "attachment_id", "image", "created"]
    list_filter = ["site"]
    list_select_related = ["site", "image"]
    search_fields = ["path", "source_url", "content_hash"]
    raw_id_fields = ["image"]
    date_hierarchy = "created"


@admin.register(WordPressSite)
class WordPressSiteAdmin(TechnicalModelAdmin):
    list_display = ["__str__", "last_export_at", "created"]
    search_fields = ["base_url"]


@admin.register(WordPressItem)
class WordPressItemAdmin(TechnicalModelAdmin):
    list_display = ["wordpress_id", "kind", "site", "article", "page"]
    list_filter = ["site", "kind"]
    list_select_related = ["site", "article", "page"]
    search_fields = ["=wordpress_id", "article__title", "page__title"]
    raw_id_fields = ["article", "page"]
