"""
The image library (posts.Image): uploads checked and re-encoded like featured
images, alt text required, search and thumbnails in the admin, the editor's
picker, which articles show an image, and deletion refused while a published
article shows it.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from posts.models import Article, Image, ImageInUse
from posts.rendering import body_image_names, figure_html
from tests.factories import ArticleFactory, ImageFactory, UserFactory, png_file
from tests.query_budget import assert_budget

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/posts/image/"
ADD_URL = "/admin/posts/image/add/"
PICKER_URL = "/admin/posts/image/picker/"


def upload(name="photo.jpg", image_format="JPEG", size=(1600, 1000), exif=True):
    buffer = io.BytesIO()
    picture = PillowImage.new("RGB", size, (10, 120, 60))
    options = {}
    if exif:
        data = PillowImage.Exif()
        data[0x010F] = "Camera maker"  # Make
        data[0x0110] = "Camera model"  # Model
        options["exif"] = data
    picture.save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def body_with(image, before="<p>Before.</p>", after="<p>After.</p>"):
    return f"{before}{figure_html(image)}{after}"


# The model -------------------------------------------------------------------


def test_upload_is_re_encoded_without_metadata_and_gets_renditions():
    image = Image.objects.create(file=png_file("rally.png", 1600, 900), alt_text="A rally")
    assert image.renditions["original"] == {"name": image.file.name, "width": 1600, "height": 900}
    assert sorted(k for k in image.renditions if k != "original") == ["1200", "400", "800"]
    for rendition in image.renditions.values():
        assert default_storage.exists(rendition["name"])
    sources = image.sources()
    assert sources["src"].endswith("rally-800w.webp")
    assert sources["srcset"].endswith("rally.png 1600w")


def test_the_figure_is_escaped_and_says_caption_and_credit():
    image = ImageFactory(
        alt_text='A "crowd" <b>', caption="The rally & after", credit="Photo: Ana Ruiz"
    )
    html = str(figure_html(image))
    assert html.startswith(f'<figure><img src="{image.sources()["src"]}" srcset="')
    assert 'alt="A &quot;crowd&quot; &lt;b&gt;"' in html
    assert html.endswith(
        "<figcaption>The rally &amp; after — Photo: Ana Ruiz</figcaption></figure>"
    )
    no_caption = ImageFactory(caption="", credit="")
    assert "<figcaption>" not in str(figure_html(no_caption))


def test_articles_record_the_library_images_their_body_shows():
    shown, other = ImageFactory(), ImageFactory()
    article = ArticleFactory(body=body_with(shown), body_format=Article.BodyFormat.HTML)
    assert list(article.body_images.all()) == [shown]
    assert body_image_names(article.body_html) >= {shown.file.name}
    article.body = body_with(other) + body_with(shown)
    article.save()
    assert set(article.body_images.all()) == {shown, other}
    article.body = "<p>No pictures now.</p>"
    article.save()
    assert not article.body_images.exists()


def test_the_same_image_is_reused_across_articles():
    image = ImageFactory()
    first = ArticleFactory(body=body_with(image), body_format=Article.BodyFormat.HTML)
    second = ArticleFactory(body=body_with(image), body_format=Article.BodyFormat.HTML)
    assert set(image.articles.all()) == {first, second}


def test_deleting_an_image_a_published_article_shows_is_refused():
    image = ImageFactory()
    article = ArticleFactory(
        title="Door by door", body=body_with(image), body_format=Article.BodyFormat.HTML
    )
    with pytest.raises(ImageInUse) as refused:
        image.delete()
    assert refused.value.articles == [article]
    assert "Door by door" in str(refused.value)
    assert Image.objects.filter(pk=image.pk).exists()


def test_an_image_only_drafts_or_scheduled_articles_show_can_be_deleted(
    django_capture_on_commit_callbacks,
):
    image = ImageFactory()
    names = image.stored_files()
    ArticleFactory(
        body=body_with(image), body_format=Article.BodyFormat.HTML, status=Article.Status.DRAFT
    )
    ArticleFactory(
        body=body_with(image),
        body_format=Article.BodyFormat.HTML,
        pub_date=timezone.now() + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_editors_group_may_manage_the_library():
    editors = Group.objects.get(name="Editors")
    codenames = set(
        editors.permissions.filter(content_type__model="image").values_list("codename", flat=True)
    )
    assert codenames == {"add_image", "change_image", "delete_image", "view_image"}


# The admin -------------------------------------------------------------------


def test_upload_through_the_admin_is_checked_and_records_the_uploader(editor_client, editor):
    response = editor_client.post(
        ADD_URL,
        {"file": upload(), "alt_text": "Volunteers", "caption": "Saturday", "credit": "AP"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor
    assert image.file.name.endswith(".jpg")
    with default_storage.open(image.file.name) as stored:
        assert not PillowImage.open(stored).getexif()  # camera and GPS data removed


def test_alt_text_is_required_and_the_upload_kept_in_the_message(editor_client):
    response = editor_client.post(ADD_URL, {"file": upload(), "alt_text": "  ", "caption": "Kept"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["alt_text"] == ["Describe the image for readers who cannot see it."]
    assert form["caption"].value() == "Kept"
    assert not Image.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_beside_the_field(editor_client):
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", "image/png")
    response = editor_client.post(ADD_URL, {"file": fake, "alt_text": "Alt"})
    assert response.status_code == 200
    assert "not a PNG, JPEG, WebP or GIF image" in str(
        response.context["adminform"].form.errors["file"]
    )


def test_the_list_searches_and_shows_thumbnails(editor_client):
    ImageFactory(alt_text="Canvassers on a porch", caption="Ohio")
    ImageFactory(alt_text="An empty hall", caption="Iowa")
    response = editor_client.get(LIST_URL, {"q": "porch"})
    html = response.content.decode()
    assert "Canvassers on a porch" in html and "An empty hall" not in html
    assert 'class="library-thumbnail"' in html and "-400w.webp" in html
    assert response.context["cl"].list_per_page == 40


def test_the_change_page_lists_the_articles_using_the_image(editor_client):
    image = ImageFactory()
    article = ArticleFactory(
        title="Door by door", body=body_with(image), body_format=Article.BodyFormat.HTML
    )
    html = editor_client.get(f"/admin/posts/image/{image.pk}/change/").content.decode()
    assert f'<a href="{article.get_absolute_url()}">Door by door</a>' in html


def test_the_delete_page_refuses_with_the_published_articles(editor_client):
    image = ImageFactory(alt_text="A crowd")
    ArticleFactory(title="Door by door", body=body_with(image), body_format="html")
    ArticleFactory(title="A draft", body=body_with(image), body_format="html", status="draft")
    url = f"/admin/posts/image/{image.pk}/delete/"
    response = editor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be deleted: readers see it in published articles" in html
    assert "Door by door" in html and "A draft" not in html
    assert 'type="submit"' not in html.split('id="content"')[1]
    response = editor_client.post(url, {"post": "yes"})
    assert "cannot be deleted" in response.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


def test_the_bulk_delete_refuses_with_the_published_articles(editor_client):
    used, unused = ImageFactory(alt_text="Used"), ImageFactory(alt_text="Unused")
    ArticleFactory(title="Door by door", body=body_with(used), body_format="html")
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    response = editor_client.post(LIST_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "These images cannot be deleted" in html and "Door by door" in html
    response = editor_client.post(LIST_URL, {**data, "post": "yes"})
    assert Image.objects.count() == 2
    # Without the used one, the bulk delete goes through (files and all).
    editor_client.post(LIST_URL, {**data, "_selected_action": [unused.pk], "post": "yes"})
    assert list(Image.objects.all()) == [used]


def test_the_picker_searches_the_library(editor_client):
    ImageFactory(alt_text="Canvassers on a porch", caption="Ohio", credit="Photo: Ana Ruiz")
    ImageFactory(alt_text="An empty hall")
    response = editor_client.get(PICKER_URL, {"q": "porch"})
    assert response.status_code == 200
    images = response.json()["images"]
    assert [entry["alt"] for entry in images] == ["Canvassers on a porch"]
    entry = images[0]
    assert entry["caption"] == "Ohio" and entry["credit"] == "Photo: Ana Ruiz"
    assert entry["thumbnail"].endswith("-400w.webp")
    assert entry["figure"].startswith("<figure><img src=")
    assert "<figcaption>Ohio — Photo: Ana Ruiz</figcaption>" in entry["figure"]
    everything = editor_client.get(PICKER_URL).json()["images"]
    assert [e["alt"] for e in everything] == ["An empty hall", "Canvassers on a porch"]


def test_the_picker_is_for_staff_who_may_view_the_library(client):
    ImageFactory()
    assert client.get(PICKER_URL).status_code == 302  # to the admin's login
    staff = UserFactory(username="staff-without-images", is_staff=True)
    client.force_login(staff)
    assert client.get(PICKER_URL).status_code == 403


# Query budgets ---------------------------------------------------------------


def _add_images(count):
    def add():
        for _ in range(count):
            ImageFactory(file=png_file(width=500, height=300))

    return add


def test_library_list_same_queries_for_5_and_30_images(editor_client):
    _add_images(5)()
    editor_client.get(LIST_URL)  # The masthead's row is made on the first admin page.
    # Session, user, 2 × permissions, 2 × count, the page (uploaders joined),
    # the masthead, 2 × the date hierarchy.
    assert_budget(editor_client, LIST_URL, 10, _add_images(25))


def test_picker_same_queries_for_5_and_30_images(editor_client):
    _add_images(5)()
    # Session, user, 2 × permissions, the images.
    assert_budget(editor_client, PICKER_URL + "?q=Picture", 5, _add_images(25))
