"""
Uploaded images, attacked through the admin form: polyglots lose their payload,
metadata is dropped, non-images are refused, media is served nosniff.
"""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, PngImagePlugin

from posts.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = (
    b"<html><body><script>alert('polyglot')</script><img src=x onerror=alert(2)></body></html>"
)
MARKERS = (
    b"<script",
    b"alert(",
    b"onerror",
    b"<html",
    b"javascript:",
    b"GPSInfo",
    b"Secret camera",
)


def picture(fmt, size=(820, 500), **save_options) -> bytes:
    """A real picture (wider than a rendition, so renditions are made too)."""
    image = Image.new("RGB", size, (30, 90, 160))
    for x in range(0, size[0], 50):
        image.putpixel((x, x % size[1]), (255, 255, 0))
    if fmt == "GIF":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Secret camera maker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 53.0, 23.0), 3: "W", 4: (77.0, 2.0, 10.0)}  # GPSInfo
    return exif.tobytes()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    return picture("PNG", pnginfo=info)


POLYGLOTS = {
    "gif+html": ("pic.gif", picture("GIF") + PAYLOAD),
    "jpeg+html": ("pic.jpg", picture("JPEG") + PAYLOAD),
    "jpeg comment": ("pic.jpg", picture("JPEG", comment=PAYLOAD)),
    "jpeg exif gps": ("pic.jpg", picture("JPEG", exif=gps_exif())),
    "png text chunk": ("pic.png", png_with_text()),
    "png+html": ("pic.png", picture("PNG") + PAYLOAD),
    "webp+html": ("pic.webp", picture("WEBP") + PAYLOAD),
}


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="uploader", is_staff=True, is_superuser=True))
    return client


def add_article(client, name, content, slug="upload"):
    return client.post(
        "/admin/posts/article/add/",
        {
            "title": "With an image",
            "slug": slug,
            "dek": "",
            "body": "Text.",
            "body_format": Article.BodyFormat.TEXT,
            "status": Article.Status.PUBLISHED,
            "pub_date_0": (timezone.localdate() - timezone.timedelta(days=1)).isoformat(),
            "pub_date_1": "09:00:00",
            "comments_open": "on",
            "featured_image": SimpleUploadedFile(name, content, "image/png"),
            "featured_image_alt": "A blue square",
            "featured_image_caption": "",
            "quotations-TOTAL_FORMS": "0",
            "quotations-INITIAL_FORMS": "0",
            "quotations-MIN_NUM_FORMS": "0",
            "quotations-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )


@pytest.mark.parametrize("kind", POLYGLOTS)
def test_polyglot_images_lose_their_payload(editor_client, kind):
    name, content = POLYGLOTS[kind]
    assert any(marker in content for marker in MARKERS) or kind == "jpeg exif gps"
    response = add_article(editor_client, name, content)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="upload")
    stored = [article.featured_image.name] + [
        r["name"] for key, r in article.image_renditions.items() if key != "original"
    ]
    assert len(stored) >= 2, "renditions were made"
    for name in stored:
        with default_storage.open(name) as file:
            data = file.read()
        for marker in MARKERS:
            assert marker not in data, (kind, name, marker)
        # Still a picture, decoded by Pillow.
        Image.open(io.BytesIO(data)).verify()
    with default_storage.open(article.featured_image.name) as file:
        reopened = Image.open(io.BytesIO(file.read()))
        assert not reopened.getexif().get(0x8825)
        assert not reopened.getexif().get(0x010F)


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.gif", b"GIF89a" + PAYLOAD),
        ("page.png", PAYLOAD),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("doc.pdf", b"%PDF-1.4\n" + PAYLOAD),
        ("icon.ico", picture("ICO", size=(32, 32))),
        ("pic.bmp", picture("BMP", size=(20, 20))),
    ],
)
def test_non_images_and_other_formats_are_refused(editor_client, name, content):
    response = add_article(editor_client, name, content)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "featured_image" in errors
    assert errors["featured_image"][0]  # a message beside the field
    assert not Article.objects.exists()


def test_media_is_served_nosniff_with_an_image_type(editor_client, client, settings):
    if not settings.SERVE_MEDIA:
        pytest.skip("SERVE_MEDIA is off: the web server or CDN serves media and sets headers")
    name, content = POLYGLOTS["gif+html"]
    assert add_article(editor_client, name, content).status_code == 302
    article = Article.objects.get(slug="upload")
    # Served from this test's own MEDIA_ROOT (tests/conftest.py), read per request.
    response = client.get(settings.MEDIA_URL + article.featured_image.name)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"GIF8")
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_media_is_not_served_when_serve_media_is_off(editor_client, client, settings):
    name, content = POLYGLOTS["gif+html"]
    assert add_article(editor_client, name, content).status_code == 302
    url = settings.MEDIA_URL + Article.objects.get(slug="upload").featured_image.name
    settings.SERVE_MEDIA = False
    assert client.get(url).status_code == 404
