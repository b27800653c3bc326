"""factory_boy factories shared by the test modules."""

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PillowImage

from comments.models import Comment
from menus.models import MenuItem
from posts.models import Article, Author, Image, Outlet, Page, Quotation, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = "Writes about campaigns and coalitions."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    home_url = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.com/")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        # The post-generation hooks only add many-to-many rows: no second save.
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    dek = "A short summary of the argument."
    body = "First paragraph.\n\nSecond paragraph."
    status = Article.Status.PUBLISHED
    pub_date = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.add(*extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


def png_file(name: str = "picture.png", width: int = 1000, height: int = 600):
    """A real PNG upload (re-encoded and resized by Image.save like an admin upload)."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (30, 90, 150)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    """A library image; pass ``file=png_file(...)`` for other sizes."""

    class Meta:
        model = Image

    file = factory.LazyFunction(png_file)
    alt_text = factory.Sequence(lambda n: f"Picture number {n}")
    caption = "Canvassers at work"
    credit = "Photo: Ana Ruiz"


class QuotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    article = factory.SubFactory(ArticleFactory)
    speaker = "Gabriel Debenedetti"
    outlet = factory.SubFactory(OutletFactory)
    source_url = "https://www.politico.com/news/2026/01/01/example"
    text = "Democrats are rethinking where they campaign."
    order = factory.Sequence(lambda n: n + 1)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Page number {n}")
    slug = factory.Sequence(lambda n: f"page-number-{n}")
    body = "What this page is about.\n\nA second paragraph."
    status = Page.Status.PUBLISHED


class MenuItemFactory(factory.django.DjangoModelFactory):
    """An address entry of the header menu (give kind and target for the other kinds)."""

    class Meta:
        model = MenuItem

    label = factory.Sequence(lambda n: f"Entry {n}")
    kind = MenuItem.Kind.URL
    url = factory.Sequence(lambda n: f"/entry-{n}/")
    order = factory.Sequence(lambda n: n + 1)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.net")
    body = "I agree with most of this."
    body_html = "<p>I agree with most of this.</p>"
    status = Comment.Status.APPROVED


def add_comments(article, count, *, status=Comment.Status.APPROVED, depth=3):
    """count comments, threaded: each top comment answered by a chain of depth-1 replies."""
    made = []
    for index in range(count):
        parent = made[-1] if index % depth and made else None
        made.append(
            CommentFactory(
                article=article,
                parent=parent,
                status=status,
                author_name=f"Reader {article.pk}-{index}",
            )
        )
    return made
