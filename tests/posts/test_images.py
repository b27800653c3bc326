"""Featured images: only real images, within limits, re-encoded, with renditions."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from posts import images
from posts.models import Article
from tests.factories import ArticleFactory

GPS_IFD = ExifTags.IFD.GPSInfo


def image_bytes(size=(1600, 900), image_format="PNG", color=(200, 30, 40), **save_options):
    buffer = io.BytesIO()
    mode = "RGBA" if image_format in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def jpeg_with_gps(size=(1000, 700)):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Model] = "Model 9"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 53.0, 23.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (77.0, 0.0, 32.0)
    return image_bytes(size, "JPEG", exif=exif.tobytes())


def png_claiming(width, height):
    """A tiny PNG whose header claims width × height pixels: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(data, name="picture.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class TestOpenImage:
    @pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
    def test_accepts_the_four_formats(self, image_format):
        opened = images.open_image(upload(image_bytes((50, 40), image_format)))
        assert opened.format == image_format
        assert opened.size == (50, 40)

    @pytest.mark.parametrize(
        "data",
        [
            b"This is plain text, not an image.",
            b"<?php system($_GET['c']); ?>",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # A PNG signature and garbage.
            image_bytes((40, 40), "PNG")[:60],  # A truncated PNG.
        ],
    )
    def test_refuses_what_is_not_an_image(self, data):
        with pytest.raises(ValidationError) as error:
            images.open_image(upload(data))
        assert error.value.code == "invalid_image"

    def test_refuses_formats_outside_the_allow_list(self):
        for image_format in ("BMP", "TIFF"):
            buffer = io.BytesIO()
            Image.new("RGB", (20, 20)).save(buffer, format=image_format)
            with pytest.raises(ValidationError) as error:
                images.open_image(upload(buffer.getvalue(), name="x.png"))
            assert error.value.code == "invalid_image"

    def test_refuses_a_file_over_the_byte_limit(self, settings):
        data = image_bytes((300, 300), "PNG")
        settings.MAX_IMAGE_UPLOAD_BYTES = len(data) - 1
        with pytest.raises(ValidationError) as error:
            images.open_image(upload(data))
        assert error.value.code == "too_large"

    def test_refuses_a_stream_over_the_byte_limit_even_without_a_size(self, settings):
        data = image_bytes((300, 300), "PNG")
        settings.MAX_IMAGE_UPLOAD_BYTES = len(data) - 1
        with pytest.raises(ValidationError) as error:
            images.open_image(io.BytesIO(data))
        assert error.value.code == "too_large"

    def test_refuses_a_decompression_bomb_before_decoding_it(self):
        with pytest.raises(ValidationError) as error:
            images.open_image(upload(png_claiming(100_000, 100_000)))
        assert error.value.code == "too_many_pixels"

    def test_refuses_an_image_over_the_pixel_setting(self, settings):
        settings.MAX_IMAGE_PIXELS = 100 * 100
        with pytest.raises(ValidationError) as error:
            images.open_image(upload(image_bytes((101, 100))))
        assert error.value.code == "too_many_pixels"
        assert "101 × 100" in error.value.messages[0]
        images.open_image(upload(image_bytes((100, 100))))


class TestCleanImage:
    def test_exif_and_gps_are_removed(self):
        data = jpeg_with_gps()
        original = Image.open(io.BytesIO(data)).getexif()
        assert original.get_ifd(GPS_IFD)  # The test image really carries a position.
        assert original[ExifTags.Base.Make] == "SpyCam"

        cleaned = images.clean_image(upload(data, "photo.jpg", "image/jpeg"))
        assert cleaned.format == "JPEG"
        reopened = Image.open(io.BytesIO(cleaned.content))
        assert not reopened.getexif()
        assert not reopened.getexif().get_ifd(GPS_IFD)
        assert b"SpyCam" not in cleaned.content
        assert "exif" not in reopened.info

    def test_orientation_is_applied_before_the_exif_goes(self):
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = 6  # Rotate 90° to display.
        data = image_bytes((200, 100), "JPEG", exif=exif.tobytes())
        cleaned = images.clean_image(upload(data, "photo.jpg", "image/jpeg"))
        assert (cleaned.width, cleaned.height) == (100, 200)

    def test_polyglot_payload_is_destroyed(self):
        payload = b"<script>alert(document.cookie)</script><?php echo 1; ?>"
        data = image_bytes((64, 64), "GIF") + payload
        cleaned = images.clean_image(upload(data, "x.gif", "image/gif"))
        assert cleaned.format == "GIF"
        assert b"<script>" not in cleaned.content
        assert b"<?php" not in cleaned.content

    @pytest.mark.parametrize("image_format", ["GIF", "PNG"])
    def test_palette_transparency_survives(self, image_format):
        palette_image = Image.new("P", (40, 40), 0)
        palette_image.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
        palette_image.paste(1, (10, 10, 30, 30))
        buffer = io.BytesIO()
        palette_image.save(buffer, format=image_format, transparency=0)
        cleaned = images.clean_image(upload(buffer.getvalue()))
        reopened = Image.open(io.BytesIO(cleaned.content)).convert("RGBA")
        assert reopened.getpixel((0, 0))[3] == 0  # Still see-through.
        assert reopened.getpixel((20, 20)) == (200, 0, 0, 255)

    def test_png_text_chunks_are_removed(self):
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret location: 38.9N 77.0W")
        data = image_bytes((64, 64), "PNG", pnginfo=info)
        assert b"secret location" in data
        cleaned = images.clean_image(upload(data))
        assert b"secret location" not in cleaned.content


@pytest.mark.django_db
class TestArticleImage:
    def test_upload_is_reencoded_with_renditions_never_upscaled(self, settings):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(jpeg_with_gps((1000, 700)), name="photo.jpg")
        article.featured_image_alt = "A street."
        article.save()
        article.refresh_from_db()

        assert article.featured_image.name.startswith("featured/")
        assert article.featured_image.name.endswith(".jpg")
        stored = Path(settings.MEDIA_ROOT) / article.featured_image.name
        assert not Image.open(stored).getexif()
        renditions = article.image_renditions
        assert renditions["original"] == {
            "name": article.featured_image.name,
            "width": 1000,
            "height": 700,
        }
        assert set(renditions) == {"original", "800", "400"}  # No 1200: never upscaled.
        for width in (800, 400):
            rendition = renditions[str(width)]
            with Image.open(Path(settings.MEDIA_ROOT) / rendition["name"]) as copy:
                assert copy.size == (width, round(700 * width / 1000))
                assert copy.format == "WEBP"
                assert not copy.getexif()

    def test_wide_image_gets_all_three_renditions_and_a_srcset(self):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(image_bytes((2000, 1000)), name="wide.png")
        article.featured_image_alt = "Red."
        article.save()
        assert set(article.image_renditions) == {"original", "1200", "800", "400"}
        sources = article.featured_image_sources()
        assert sources["width"] == 2000 and sources["height"] == 1000
        assert sources["src"].endswith("-800w.webp")
        candidates = [c.rsplit(" ", 1)[1] for c in sources["srcset"].split(", ")]
        assert candidates == ["400w", "800w", "1200w", "2000w"]

    def test_renditions_are_made_once(self, settings):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(image_bytes((900, 500)), name="once.png")
        article.featured_image_alt = "Red."
        article.save()
        files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
        article.title = "Edited"
        article.save()
        assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files

    def test_removing_the_image_clears_the_renditions(self):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(image_bytes((900, 500)), name="gone.png")
        article.featured_image_alt = "Red."
        article.save()
        article.featured_image = None
        article.save()
        assert article.image_renditions == {}
        assert article.featured_image_sources() is None

    def media(self, settings):
        return {
            str(p.relative_to(settings.MEDIA_ROOT))
            for p in Path(settings.MEDIA_ROOT).rglob("*")
            if p.is_file()
        }

    def with_image(self, name="first.png"):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(image_bytes((1300, 700)), name=name)
        article.featured_image_alt = "Red."
        article.save()
        return Article.objects.get(pk=article.pk)

    def test_replaced_image_files_are_deleted_after_commit(
        self, settings, django_capture_on_commit_callbacks
    ):
        article = self.with_image()
        old = self.media(settings)
        assert len(old) == 4  # The original and three renditions.
        article.featured_image = ContentFile(image_bytes((900, 500)), name="second.png")
        with django_capture_on_commit_callbacks() as callbacks:
            article.save()
            assert self.media(settings) >= old  # Nothing deleted before the commit.
        for callback in callbacks:
            callback()
        new = self.media(settings)
        assert not new & old
        assert new == {r["name"] for r in article.image_renditions.values()}

    def test_cleared_image_files_are_deleted_after_commit(
        self, settings, django_capture_on_commit_callbacks
    ):
        article = self.with_image()
        article.featured_image = None
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
        assert self.media(settings) == set()

    def test_deleted_article_image_files_are_deleted_after_commit(
        self, settings, django_capture_on_commit_callbacks
    ):
        article = self.with_image()
        with django_capture_on_commit_callbacks(execute=True):
            article.delete()
        assert self.media(settings) == set()

    def test_files_stay_when_the_change_is_rolled_back(
        self, settings, django_capture_on_commit_callbacks
    ):
        from django.db import transaction

        article = self.with_image()
        old = self.media(settings)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            article.featured_image = None
            article.save()
            raise RuntimeError("rolled back")
        assert self.media(settings) == old
        assert Article.objects.get(pk=article.pk).featured_image.name in old

    def test_saving_without_changing_the_image_deletes_nothing(
        self, settings, django_capture_on_commit_callbacks
    ):
        article = self.with_image()
        old = self.media(settings)
        article.title = "Edited"
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
        assert self.media(settings) == old

    def test_alt_text_is_required_with_an_image(self):
        article = ArticleFactory.build()
        article.featured_image = ContentFile(image_bytes((90, 50)), name="x.png")
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "featured_image_alt" in error.value.message_dict

    def test_no_image_needs_no_alt_text(self):
        ArticleFactory.build().full_clean()
        assert Article.objects.count() == 0

    def test_article_page_shows_the_image_with_srcset_and_alt(self, client):
        article = ArticleFactory()
        article.featured_image = ContentFile(image_bytes((1600, 900)), name="page.png")
        article.featured_image_alt = "A red field."
        article.featured_image_caption = "Photo: the demo."
        article.save()
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'alt="A red field."' in html
        assert 'srcset="/media/featured/' in html
        assert "1200w" in html and 'sizes="' in html
        assert 'width="1600" height="900"' in html
        assert "Photo: the demo." in html
        assert 'property="og:image" content="http://testserver/media/featured/' in html
