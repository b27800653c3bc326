"""The WordPress import's bookkeeping: technical, superusers only (security.admin_site)."""

from django.contrib import admin

from security.admin_site import TechnicalModelAdmin
from wordpress.models import LegacyRedirect, WordPressTerm


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(TechnicalModelAdmin):
    list_display = ["old_path", "article", "tag", "target_url", "created"]
    list_select_related = ["article", "tag"]
    search_fields = ["old_path", "article__title", "tag__name", "target_url"]
    autocomplete_fields = ["article", "tag"]
    date_hierarchy = "created"


@admin.register(WordPressTerm)
class WordPressTermAdmin(TechnicalModelAdmin):
    list_display = ["wordpress_slug", "taxonomy", "wordpress_name", "tag"]
    list_filter = ["taxonomy"]
    list_select_related = ["tag"]
    search_fields = ["wordpress_slug", "wordpress_name", "tag__name"]
    autocomplete_fields = ["tag"]
