"""
What the WordPress import remembers: which WordPress term became which tag,
and which old WordPress address leads to which new page.
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


class LegacyRedirect(models.Model):
    """
    An address of the old WordPress site, answered with a 301 to the page it
    became. Articles and tags are followed through their foreign key, so the
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
        if self.tag_id is not None:
            return self.tag.get_absolute_url()
        return self.target_url
