"""
The moderators' queue at millions of comments: one small partial index per
status but approved (pending, spam, trash), newest first, so that each queue's
pages and its exact count read only that status's rows (index-only scans).

Built CONCURRENTLY on PostgreSQL (the table keeps taking reads and writes while
they are built), hence ``atomic = False``; plain CREATE INDEX on SQLite.
"""

from django.db import migrations, models

from schema.operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0004_comment_status_before"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="comment",
            index=models.Index(
                condition=models.Q(status="pending"),
                fields=["-submitted", "-id"],
                name="comment_pending_queue",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="comment",
            index=models.Index(
                condition=models.Q(status="spam"),
                fields=["-submitted", "-id"],
                name="comment_spam_queue",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="comment",
            index=models.Index(
                condition=models.Q(status="trash"),
                fields=["-submitted", "-id"],
                name="comment_trash_queue",
            ),
        ),
    ]
