"""Fixtures and helpers shared by the comment tests: staff users, held comments, a canary."""

import pytest
from django.contrib.auth.models import Group, Permission

from comments.models import Comment, DiscussionSettings, HoldReason
from tests.factories import ArticleFactory, CommentFactory, UserFactory

CHANGELIST = "/admin/comments/comment/"
CANARY = "Canary.Commenter+secret@private-mail.example"


def staff(username, *, group=None, perms=()):
    user = UserFactory(username=username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def moderator():
    return staff("moderator", group="Moderators")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def held(article=None, **kwargs):
    kwargs.setdefault("status", Comment.Status.PENDING)
    comment = CommentFactory(article=article or ArticleFactory(), **kwargs)
    HoldReason.objects.create(
        comment=comment, code=HoldReason.Code.LOW_SCORE, detail="score 0.1, threshold 0.5"
    )
    return comment


@pytest.fixture
def seeded(fake_google):
    """An article whose comments, in two statuses, carry the CANARY address."""
    discussion = DiscussionSettings.load()
    discussion.approval_policy = DiscussionSettings.ApprovalPolicy.APPROVE
    discussion.save()
    article = ArticleFactory(title="Where the votes are")
    top = CommentFactory(
        article=article,
        author_email=CANARY,
        author_name="Canary",
        author_url="https://canary.example",
    )
    CommentFactory(article=article, parent=top, author_email=CANARY.lower())
    CommentFactory(article=article, status=Comment.Status.PENDING, author_email=CANARY)
    return article
