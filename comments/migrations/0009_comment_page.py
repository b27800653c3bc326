# A comment answers an article or a page: Comment.page, Comment.article nullable, exactly one.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_reply_notifications_comment_pages"),
        ("posts", "0011_page_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="page",
            field=models.ForeignKey(
                blank=True,
                help_text="The page it answers (a comment answers an article or a page).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="posts.page",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="article",
            field=models.ForeignKey(
                blank=True,
                help_text="The article it answers (a comment answers an article or a page).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="posts.article",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["page", "status", "submitted"], name="comment_page_page"),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("wordpress_id__isnull", False)),
                fields=("page", "wordpress_id"),
                name="unique_wordpress_page_comment",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("article__isnull", False), ("page__isnull", True)),
                    models.Q(("article__isnull", True), ("page__isnull", False)),
                    _connector="OR",
                ),
                name="comment_article_or_page",
                violation_error_message="A comment answers either an article or a page.",
            ),
        ),
    ]
