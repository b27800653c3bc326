"""
What the WordPress import remembers: which sites it read, which of their posts
and pages became which article or page (and what it wrote, to notice changes
made here), which WordPress term became which tag, and which old WordPress
address leads to which new page.
"""

from django.db import models


class WordPressTerm(models.Model):
    """A WordPress category or tag and the Tag it became (same slug: same Tag)."""

    class Taxonomy(models.TextChoices):
        CATEGORY = "category", "Category"
        POST_TAG = "post_tag", "Tag"

    taxonomy = models.CharField(
        max_length=20, choices=Taxonomy, help_text="A WordPress category or a WordPress tag."
    )
    wordpress_slug = models.CharField(
        max_length=200, help_text="The term's slug (nicename) on the WordPress site."
    )
    wordpress_name = models.CharField(
        max_length=200, blank=True, help_text="The term's name on the WordPress site."
    )
    tag = models.ForeignKey(
        "posts.Tag",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The tag this term became on this site.",
    )

    class Meta:
        verbose_name = "WordPress term"
        verbose_name_plural = "WordPress terms"
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "wordpress_slug"], name="unique_wordpress_term"
            )
        ]

    def __str__(self):
        return f"{self.get_taxonomy_display()} {self.wordpress_slug}"


class WordPressSite(models.Model):
    """
    A WordPress site exports were imported from, known by its address
    (``wp:base_site_url``, else ``wp:base_blog_url``, else the channel's link).
    WordPress IDs mean something only within their site: see WordPressItem.
    """

    base_url = models.CharField(
        max_length=500,
        unique=True,
        blank=True,
        help_text="The site's address as its exports give it, without a trailing slash; "
        "empty for the site of items imported before sites were told apart.",
    )
    last_export_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the newest export imported from this site was made (its <pubDate>). "
        "An older export adds what is missing but changes nothing.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "WordPress site"
        verbose_name_plural = "WordPress sites"

    def __str__(self):
        return self.base_url or "(the site imported before sites were told apart)"


class WordPressItem(models.Model):
    """
    A post or page of a WordPress site and what it became here, with a
    fingerprint of what the import wrote: when the object no longer matches
    it, someone changed it here, and a re-import keeps their change.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"

    site = models.ForeignKey(
        WordPressSite,
        on_delete=models.CASCADE,
        related_name="items",
        help_text="The WordPress site the item comes from.",
    )
    kind = models.CharField(max_length=10, choices=Kind, help_text="A post or a page.")
    wordpress_id = models.BigIntegerField(help_text="The item's ID on its WordPress site.")
    article = models.ForeignKey(
        "posts.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The article a post became.",
    )
    page = models.ForeignKey(
        "posts.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The page a page became.",
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="A digest of what the import last wrote (empty: unknown, taken as unchanged).",
    )

    class Meta:
        verbose_name = "imported WordPress item"
        verbose_name_plural = "imported WordPress items"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wordpress_id"], name="unique_wordpress_item"
            )
        ]

    def __str__(self):
        return f"{self.site} {self.kind} {self.wordpress_id}"


class LegacyRedirect(models.Model):
    """
    An address of the old WordPress site, answered with a 301 to the page it
    became. Articles, pages and tags are followed through their foreign key, so the
    redirect always leads to their current address.
    """

    old_path = models.CharField(
        max_length=500,
        unique=True,
        help_text="The old address's path, decoded, e.g. /2019/05/14/a-post/.",
    )
    article = models.ForeignKey(
        "posts.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legacy_redirects",
        help_text="The article the old address leads to.",
    )
    tag = models.ForeignKey(
        "posts.Tag",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legacy_redirects",
        help_text="The tag page the old address leads to.",
    )
    page = models.ForeignKey(
        "posts.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legacy_redirects",
        help_text="The page the old address leads to.",
    )
    target_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where the old address leads when it is neither an article nor a tag.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = "old WordPress address"
        verbose_name_plural = "old WordPress addresses"

    def __str__(self):
        return self.old_path

    def get_target_url(self) -> str:
        """The current address the old one leads to ("" when there is none to show)."""
        if self.article_id is not None:
            return self.article.get_absolute_url() if self.article.is_published() else ""
        if self.page_id is not None:
            return self.page.get_absolute_url() if self.page.is_published() else ""
        if self.tag_id is not None:
            return self.tag.get_absolute_url()
        return self.target_url


class WordPressMedia(models.Model):
    """
    An image of a WordPress site (an attachment, or an upload a body shows)
    and the library image it became, with a digest of the bytes brought over:
    importing again neither fetches nor stores it twice, and identical files
    share one library image.
    """

    site = models.ForeignKey(
        WordPressSite,
        on_delete=models.CASCADE,
        related_name="media",
        help_text="The WordPress site the file comes from.",
    )
    attachment_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=(
            "The attachment's ID on its WordPress site (empty: an upload with no attachment)."
        ),
    )
    path = models.CharField(
        max_length=500,
        help_text="The file's path in the site's uploads folder, e.g. 2026/03/harbour.jpg.",
    )
    source_url = models.CharField(
        max_length=1000, help_text="The file's address on the WordPress site."
    )
    content_hash = models.CharField(
        max_length=64, db_index=True, help_text="SHA-256 of the file as it was brought over."
    )
    image = models.ForeignKey(
        "posts.Image",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The library image the file became.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "imported WordPress image"
        verbose_name_plural = "imported WordPress images"
        constraints = [
            models.UniqueConstraint(fields=["site", "path"], name="unique_wordpress_media_path"),
            models.UniqueConstraint(
                fields=["site", "attachment_id"],
                condition=models.Q(attachment_id__isnull=False),
                name="unique_wordpress_media_attachment",
            ),
        ]

    def __str__(self):
        return f"{self.site} {self.path}"
