"""
WordPress media (wordpress.media): attachments become library images, bodies
show our copies and their renditions, ``_thumbnail_id`` becomes the featured
image; from a copy of the uploads folder (--media-dir) or fetched (--fetch-media)
from an HTTP server the test starts on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import call_command

from markup.html import ARTICLE, clean
from posts.models import Article, Image, Page
from tests.factories import ImageFactory
from wordpress import wxr
from wordpress.media import (
    DirectorySource,
    MediaError,
    MediaImporter,
    attachment_from_post,
    php_unserialize,
    safe_relative_path,
)
from wordpress.models import WordPressMedia, WordPressSite

SHARED = Path(settings.BASE_DIR).parent / "shared" / "fixtures"
EXPORT = SHARED / "wordpress-media-site.xml"
UPLOADS = SHARED / "wordpress-media-site-uploads"
OLD_HOST = "127.0.0.1:8083"

# Attachment ID -> (original file, alt text, caption), as the export gives them.
ATTACHMENTS = {
    5: ("2026/02/tidewater-review-badge.png", "Round navy badge with the letters TR above "
        "three wavy lines", "Our badge, drawn by Ana Sousa."),
    11: ("2026/03/old-harbour-at-dusk.jpg", "Fishing boats moored in the old harbour at "
         "sunset, masts silhouetted against an orange sky",
         "The inner harbour at 18:42 on 14 March, half an hour before high water."),
    13: ("2026/03/tide-heights-march.png", "Line chart of tide height at Port Ellery over "
         "three days, peaking at about 5.4 metres twice a day",
         "Predicted tide heights at Port Ellery, 14–16 March 2026."),
    15: ("2026/04/salt-marsh-boardwalk.jpg", "A wooden boardwalk running straight across "
         "green and brown marsh grass towards the creek",
         "The new boardwalk, looking east towards Ellery Creek."),
    20: ("2026/08/fish-market-at-dawn.jpg", "Wooden crates of fish on ice under a blue and "
         "white striped awning, with handwritten price cards",
         "Mackerel, gurnard and bream on the quay at 05:40."),
    21: ("2026/08/lighthouse-keepers-cottage.jpg", "Red and white striped lighthouse beside "
         "a small white cottage on a grassy headland",
         "Ellery Point lighthouse and the old keeper’s cottage."),
}  # fmt: skip
# Post title -> the attachment its featured image (_thumbnail_id) is.
FEATURED = {
    "Dusk at the old harbour": 11,
    "Reading the tides: what the March springs tell us": 13,
    "The fish market at dawn": 20,
    "Lighthouse open day": 21,
    "Why we are asking readers to chip in": 5,
}

shared_files = pytest.mark.skipif(
    not (EXPORT.is_file() and UPLOADS.is_dir()),
    reason=f"the WordPress media site ({EXPORT} and its uploads folder) is missing: "
    "../shared beside the project",
)


def run_import(*options: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(EXPORT), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


IMG_SOURCES = re.compile(r'<img\b[^>]*?\s(?:src|srcset)="([^"]*)"', re.IGNORECASE)


def image_addresses(body_html: str) -> list[str]:
    addresses = []
    for tag in re.findall(r"<img\b[^>]*>", body_html):
        for value in re.findall(r'\s(?:src|srcset)="([^"]*)"', tag):
            addresses += [part.split()[0] for part in value.split(",") if part.strip()]
    return addresses


def bodies() -> list[tuple[str, str]]:
    return [(a.title, a.body_html) for a in Article.objects.all()] + [
        (p.title, p.body_html) for p in Page.objects.all()
    ]


def image_for(attachment_id: int) -> Image:
    return WordPressMedia.objects.get(attachment_id=attachment_id).image


def assert_every_image_is_ours(expected_images: int) -> None:
    shown = 0
    for title, body in bodies():
        assert OLD_HOST not in " ".join(image_addresses(body)), title
        for address in image_addresses(body):
            assert address.startswith(settings.MEDIA_URL + "library/"), (title, address)
            shown += 1
            assert (Path(settings.MEDIA_ROOT) / address[len(settings.MEDIA_URL) :]).is_file()
        assert "/wp-content/uploads/2026/0" not in re.sub(r"\.mp4", "", body) or (
            "harbour-timelapse" in body
        )
    assert shown >= expected_images


# From a copy of the uploads folder ------------------------------------------------


@shared_files
@pytest.mark.shared
@pytest.mark.django_db
def test_media_dir_brings_every_image_over_and_a_rerun_stores_nothing_twice():
    out, err = run_import("--media-dir", str(UPLOADS))

    assert (
        "Images (from " + str(UPLOADS.resolve()) + "): 6 imported, 0 unchanged, "
        "0 identical to another, 0 failed; 5 featured images set" in out
    )
    assert "Images not brought over" not in out
    assert "Media: 6/6 files (6 stored, 0 failed)" in err  # the progress line
    assert Image.objects.count() == 6

    # Alt text, caption and sizes; re-encoded without the camera's EXIF and GPS.
    for attachment_id, (path, alt, caption) in ATTACHMENTS.items():
        image = image_for(attachment_id)
        assert (image.alt_text, image.caption) == (alt, caption)
        # The camera's credit field (_wp_attachment_metadata's image_meta), when it has one.
        assert image.credit == ("Maren Hollis" if attachment_id == 11 else "")
        row = WordPressMedia.objects.get(attachment_id=attachment_id)
        assert row.path == path and row.source_url == f"http://{OLD_HOST}/wp-content/uploads/{path}"
        assert len(row.content_hash) == 64
        assert image.renditions["original"]["width"] >= 800
        assert "400" in image.renditions
    from PIL import Image as Picture

    with Picture.open(Path(settings.MEDIA_ROOT) / image_for(11).file.name) as picture:
        assert not picture.getexif()
    with Picture.open(Path(settings.MEDIA_ROOT) / image_for(5).file.name) as picture:
        assert picture.mode == "RGBA"  # the badge keeps its transparency

    # Every body (articles and pages) shows our copies, as the editor inserts them.
    assert_every_image_is_ours(expected_images=8)
    dusk = Article.objects.get(title="Dusk at the old harbour")
    harbour = image_for(11)
    sources = harbour.sources()
    assert (
        f'<img src="{sources["src"]}" srcset="{sources["srcset"]}" '
        f'sizes="(max-width: 800px) 100vw, 800px" alt="{harbour.alt_text}" '
        f'width="{sources["width"]}" height="{sources["height"]}">' in dusk.body_html
    )
    assert "<figcaption>The inner harbour at 18:42 on 14 March" in dusk.body_html
    assert list(dusk.body_images.all()) == [harbour]

    # The gallery: three images, each ours, each linking to our original.
    market = Article.objects.get(title="The fish market at dawn")
    assert set(market.body_images.all()) == {image_for(i) for i in (11, 15, 20, 21)}
    gallery = market.body_html.split("More pictures from the waterfront")[1]
    for attachment_id in (11, 21, 15):
        image = image_for(attachment_id)
        assert f'<a href="{image.file.url}"><img src="{image.sources()["src"]}"' in gallery
    # The image that linked to its attachment page links to our original now.
    assert f'<a href="{image_for(20).file.url}"><img' in market.body_html

    # The classic post's [caption] with a -300x200 size variant.
    walk = Article.objects.get(title="A walk along the salt-marsh boardwalk")
    assert image_for(15).sources()["src"] in walk.body_html
    assert "<figcaption>The new boardwalk, looking east towards Ellery Creek.</figcaption>" in (
        walk.body_html
    )
    about = Page.objects.get(title="About")
    assert image_for(5).sources()["src"] in about.body_html

    # Featured images: their own copies, with the library image's alt text and caption.
    for title, attachment_id in FEATURED.items():
        article = Article.objects.get(title=title)
        image = image_for(attachment_id)
        assert article.featured_image.name.startswith("featured/")
        assert article.featured_image.name != image.file.name
        assert (Path(settings.MEDIA_ROOT) / article.featured_image.name).is_file()
        assert article.featured_image_alt == image.alt_text
        assert article.featured_image_caption == " — ".join(
            part for part in (image.caption, image.credit) if part
        )
        assert (
            article.image_renditions["original"]["width"] == (image.renditions["original"]["width"])
        )
        assert article.featured_image_sources()["src"].startswith("/media/featured/")
    assert not Article.objects.get(title="Film night at the Sail Loft").featured_image

    # Again: nothing read, nothing stored, nothing changed.
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    before = {a.pk: (a.body, a.featured_image.name) for a in Article.objects.all()}
    out, err = run_import("--media-dir", str(UPLOADS))
    assert "6 imported" not in out
    assert "0 imported, 6 unchanged, 0 identical to another, 0 failed; 0 featured images set" in (
        out
    )
    assert "Media:" not in err
    assert Image.objects.count() == 6 and WordPressMedia.objects.count() == 6
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files
    assert {a.pk: (a.body, a.featured_image.name) for a in Article.objects.all()} == before
    assert "Articles: 0 imported, 0 updated, 8 unchanged" in out

    # Without a source, later imports still show the images brought over before.
    out, _ = run_import()
    assert_every_image_is_ours(expected_images=8)
    assert "Posts showing images that were not brought over" not in out


@shared_files
@pytest.mark.shared
@pytest.mark.django_db
def test_without_a_source_images_become_links_and_are_reported():
    out, _ = run_import()
    assert Image.objects.count() == 0
    assert "Images: none brought over (give --media-dir or --fetch-media)" in out
    assert "Posts showing images that were not brought over:" in out
    assert "post 10 “Dusk at the old harbour”:" in out
    assert "- 2026/03/old-harbour-at-dusk-1024x683.jpg: no --media-dir or --fetch-media given" in (
        out
    )
    assert "- featured image (attachment 11): no --media-dir or --fetch-media given" in out
    for title, body in bodies():
        assert "<img" not in body, title
    dusk = Article.objects.get(title="Dusk at the old harbour").body_html
    assert (
        f'<a href="http://{OLD_HOST}/wp-content/uploads/2026/03/old-harbour-at-dusk-1024x683.jpg">'
        "Fishing boats moored in the old harbour at sunset" in dusk
    )


# Fetched from the old site ------------------------------------------------------


class OldSite:
    """
    The uploads folder served on 127.0.0.1 at a free port; ``behaviour`` makes
    chosen paths misbehave: "slow" (headers, then nothing until the test ends),
    "huge" (more bytes than allowed, no Content-Length), "html" (a web page
    called .png and sent as image/png).
    """

    def __init__(self, root: Path):
        self.root = root
        self.behaviour: dict[str, str] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = unquote(self.path.lstrip("/"))
                site.requests.append(path)
                behaviour = site.behaviour.get(path)
                if behaviour == "slow":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    self.wfile.flush()
                    site.release.wait(20)
                    return
                if behaviour == "huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    for _ in range(40):
                        self.wfile.write(b"\xff" * 16384)
                    return
                if behaviour == "html":
                    body = b"<!doctype html><title>Not found</title><p>Nothing here.</p>"
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                target = (site.root / path).resolve()
                if not target.is_relative_to(site.root.resolve()) or not target.is_file():
                    self.send_error(404)
                    return
                data = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@shared_files
@pytest.mark.shared
@pytest.mark.django_db
def test_fetch_media_with_a_slow_file_a_huge_file_and_a_non_image(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 300 * 1024  # every real original is under 160 KB
    with OldSite(UPLOADS) as site:
        site.behaviour = {
            "2026/08/lighthouse-keepers-cottage.jpg": "slow",
            "2026/04/salt-marsh-boardwalk.jpg": "huge",
            "2026/02/tidewater-review-badge.png": "html",
        }
        fetch = ("--fetch-media", "--fetch-from", site.url, "--fetch-timeout", "0.5")
        out, err = run_import(*fetch)

        assert sorted(site.requests) == sorted(path for path, _, _ in ATTACHMENTS.values())
        assert f"Images (from {site.url}): 3 imported, 0 unchanged" in out
        assert "3 failed; 3 featured images set" in out
        assert "Media: 6/6 files (3 stored, 3 failed)" in err
        assert Image.objects.count() == 3
        # Each failure named with its reason and the post it was uploaded to.
        assert (
            "attachment 21 “Lighthouse and keeper’s cottage” (uploaded to post 19), "
            "2026/08/lighthouse-keepers-cottage.jpg: the old site did not send it within 0.5 s"
            in out
        )
        assert (
            "attachment 15 “Salt-marsh boardwalk” (uploaded to post 14), "
            "2026/04/salt-marsh-boardwalk.jpg: larger than the 300.0\xa0KB an image may be; "
            "not fetched" in out
        )
        assert (
            "attachment 5 “Tidewater Review badge” (uploaded to post 4), "
            "2026/02/tidewater-review-badge.png: This file is not a PNG, JPEG, WebP or GIF "
            "image (or it is damaged)." in out
        )
        # And listed with the posts that show them.
        market = out.split("post 19 “The fish market at dawn”:")[1]
        assert "- 2026/08/lighthouse-keepers-cottage-768x1024.jpg: the old site did not" in market
        assert "- 2026/04/salt-marsh-boardwalk-1024x683.jpg: larger than" in market
        assert "featured image (attachment 21): the old site did not send it" in out

        # What came over is shown from here; what did not is a link, never a blocked image.
        for title, body in bodies():
            assert all(a.startswith("/media/library/") for a in image_addresses(body)), title
        market_html = Article.objects.get(title="The fish market at dawn").body_html
        assert image_for(20).sources()["src"] in market_html
        assert (
            f'<a href="http://{OLD_HOST}/wp-content/uploads/2026/08/lighthouse-keepers-cottage.jpg">'
            "Red and white striped lighthouse" in market_html
        )
        assert not Article.objects.get(title="Lighthouse open day").featured_image

        # The old site mends its ways: only the three missing files are fetched.
        site.behaviour, site.requests = {}, []
        out, err = run_import(*fetch)
        assert sorted(site.requests) == sorted(
            [
                "2026/08/lighthouse-keepers-cottage.jpg",
                "2026/04/salt-marsh-boardwalk.jpg",
                "2026/02/tidewater-review-badge.png",
            ]
        )
        assert "3 imported, 3 unchanged, 0 identical to another, 0 failed; 2 featured" in out
        assert Image.objects.count() == 6 and WordPressMedia.objects.count() == 6
        assert_every_image_is_ours(expected_images=8)
        assert Article.objects.get(title="Lighthouse open day").featured_image


# Units ----------------------------------------------------------------------------


def test_php_unserialize_reads_wordpress_metadata_and_refuses_objects():
    value = php_unserialize(
        'a:3:{s:5:"width";i:800;s:5:"sizes";a:1:{s:6:"medium";a:1:{s:4:"file";'
        's:11:"a-300x1.jpg";}}s:6:"credit";s:5:"Zoë ";}'
    )
    assert value == {"width": 800, "sizes": {"medium": {"file": "a-300x1.jpg"}}, "credit": "Zoë "}
    assert php_unserialize("b:1;") is True and php_unserialize("N;") is None
    assert php_unserialize("d:0.5;") == 0.5
    for bad in ('O:8:"stdClass":0:{}', 's:9:"short";', "a:1:{i:0;", "i:1;junk"):
        with pytest.raises((ValueError, IndexError)):
            php_unserialize(bad)


def test_attachment_paths_cannot_leave_the_uploads_folder(tmp_path):
    assert safe_relative_path("2026/03/a.jpg") == "2026/03/a.jpg"
    for bad in ("../etc/passwd", "2026/../../x.jpg", "a\\b.jpg", "", "2026/\x00.jpg"):
        assert safe_relative_path(bad) is None
    root = tmp_path / "uploads"
    root.mkdir()
    (tmp_path / "secret.jpg").write_bytes(b"x")
    (root / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    source = DirectorySource(root, max_bytes=10)
    with pytest.raises(MediaError, match="outside the media folder"):
        source.load("link.jpg")
    with pytest.raises(MediaError, match="not in the media folder"):
        source.load("missing.jpg")
    (root / "big.jpg").write_bytes(b"x" * 11)
    with pytest.raises(MediaError, match="larger than"):
        source.load("big.jpg")


def test_an_attachment_without_alt_text_gets_a_reported_fallback():
    post = wxr.Post(
        post_id=7,
        post_type="attachment",
        title="Harbour &amp; quay",
        attachment_url="https://old.example.org/wp-content/uploads/2020/01/q.jpg",
        meta={"_wp_attached_file": "2020/01/q.jpg"},
    )
    attachment = attachment_from_post(post)
    assert attachment.path == "2020/01/q.jpg" and attachment.alt == ""
    importer = MediaImporter()
    from wordpress.media import _Job

    alt, caption, credit = importer._describe(_Job(attachment.path, attachment))
    assert alt == "Harbour & quay"
    assert importer.report.alt_fallbacks == [
        "attachment 7, 2020/01/q.jpg: alt text “Harbour & quay” taken from its title"
    ]
    assert "Images without alt text on WordPress (check these):" in importer.report.render()


@pytest.mark.django_db
def test_kept_remote_images_stay_only_for_the_named_host(settings):
    site = WordPressSite.objects.create(base_url="https://old.example.org")
    channel = wxr.Channel(base_site_url="https://old.example.org")
    importer = MediaImporter()
    importer.site = site
    importer.base_url = "https://old.example.org"
    importer._add_site_address(channel.base_site_url)
    body = (
        '<figure><img src="https://old.example.org/wp-content/uploads/2020/01/q-300x200.jpg" '
        'alt="Quay"></figure>'
    )

    settings.WORDPRESS_KEEP_REMOTE_IMAGES_FROM = []
    linked = importer.rewrite_body(body, "post 1")
    assert "<img" not in linked
    assert (
        '<a href="https://old.example.org/wp-content/uploads/2020/01/q-300x200.jpg">Quay</a>'
        in (linked)
    )
    assert clean(linked, ARTICLE) == linked  # what the article keeps

    settings.WORDPRESS_KEEP_REMOTE_IMAGES_FROM = ["old.example.org"]
    kept = importer.rewrite_body(body, "post 1")
    assert kept == (
        '<figure><img src="https://old.example.org/wp-content/uploads/2020/01/q-300x200.jpg" '
        'alt="Quay"></figure>'
    )
    assert clean(kept, ARTICLE) == kept  # the allow-list lets that host through...
    other = '<img src="https://elsewhere.example.net/a.jpg" alt="x">'
    assert clean(other, ARTICLE) == '<img alt="x">'  # ...and no other
    assert importer.report.kept_remote == 1

    # A library image brought over before is used instead, whatever the setting.
    image = ImageFactory()
    WordPressMedia.objects.create(
        site=site, path="2020/01/q.jpg", source_url="x", content_hash="0" * 64, image=image
    )
    importer._load_known()
    ours = importer.rewrite_body(body, "post 1")
    assert image.sources()["src"] in ours and "old.example.org" not in ours


def test_the_kept_host_is_in_the_content_security_policy():
    environment = {
        **os.environ,
        "WORDPRESS_KEEP_REMOTE_IMAGES_FROM": "Old.Example.org",
        "DJANGO_SETTINGS_MODULE": "strategist.settings",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.WORDPRESS_KEEP_REMOTE_IMAGES_FROM, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "['old.example.org']" in result.stdout
    assert "'https://old.example.org'" in result.stdout
    environment.pop("WORDPRESS_KEEP_REMOTE_IMAGES_FROM")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "old.example.org" not in result.stdout


def test_command_refuses_unusable_media_options(tmp_path):
    from django.core.management.base import CommandError

    export = tmp_path / "e.xml"
    export.write_text("<rss/>")
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import_wordpress", str(export), "--media-dir", str(tmp_path / "none"))
    with pytest.raises(CommandError, match="not an http"):
        call_command(
            "import_wordpress", str(export), "--fetch-media", "--fetch-from", "file:///etc/"
        )
    with pytest.raises(CommandError, match="goes with --fetch-media"):
        call_command("import_wordpress", str(export), "--fetch-from", "http://127.0.0.1:9/")


@shared_files
@pytest.mark.shared
@pytest.mark.django_db
def test_a_failed_import_leaves_no_image_files(monkeypatch):
    from wordpress.importer import WordPressImporter

    def fail(self, record):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(WordPressImporter, "import_comment", fail)
    with pytest.raises(RuntimeError):
        run_import("--media-dir", str(UPLOADS))
    assert Image.objects.count() == 0 and WordPressMedia.objects.count() == 0
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_the_mapping_is_listed_in_the_technical_admin(admin_client):
    site = WordPressSite.objects.create(base_url="https://old.example.org")
    WordPressMedia.objects.create(
        site=site, path="2020/01/q.jpg", source_url="x", content_hash="0" * 64, image=ImageFactory()
    )
    response = admin_client.get("/admin/wordpress/wordpressmedia/")
    assert response.status_code == 200 and "2020/01/q.jpg" in response.content.decode()


def small_export(tmp_path: Path) -> tuple[Path, Path]:
    """
    An export written here: attachments 31 and 32 name the same file, 33 is
    another file with the same bytes and no alt text, the post also shows an
    upload no attachment names and is featured by attachment 33.
    """
    uploads = tmp_path / "uploads" / "2025" / "01"
    uploads.mkdir(parents=True)
    picture = io.BytesIO()
    from PIL import Image as Picture

    Picture.new("RGB", (900, 500), (200, 40, 40)).save(picture, format="PNG")
    for name in ("red.png", "red-copy.png"):
        (uploads / name).write_bytes(picture.getvalue())
    picture = io.BytesIO()
    Picture.new("RGB", (500, 500), (40, 200, 40)).save(picture, format="PNG")
    (uploads / "green.png").write_bytes(picture.getvalue())

    def attachment(post_id: int, path: str, alt: str) -> str:
        def postmeta(key: str, value: str) -> str:
            return (
                f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
                f"<wp:meta_value>{value}</wp:meta_value></wp:postmeta>"
            )

        meta = postmeta("_wp_attached_file", path)
        if alt:
            meta += postmeta("_wp_attachment_image_alt", alt)
        return (
            f"<item><title>Picture {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
            "<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
            f"<wp:attachment_url>https://old.example.org/wp-content/uploads/{path}</wp:attachment_url>"
            f"{meta}</item>"
        )

    body = (
        '<p>Red:</p><img src="https://old.example.org/wp-content/uploads/2025/01/red.png" alt="">'
        '<p>Green:</p><img src="//old.example.org/wp-content/uploads/2025/01/green-300x300.png" '
        'alt="A green square">'
    )
    export = tmp_path / "small-media.xml"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Old</title><link>https://old.example.org</link>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>https://old.example.org</wp:base_site_url>"
        "<wp:base_blog_url>https://old.example.org</wp:base_blog_url>"
        "<item><title>Colours</title><link>https://old.example.org/2025/01/colours/</link>"
        "<wp:post_id>40</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><wp:post_name>colours</wp:post_name>"
        "<wp:post_date_gmt>2025-01-10 10:00:00</wp:post_date_gmt>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        "<wp:meta_value>33</wp:meta_value></wp:postmeta></item>"
        + attachment(31, "2025/01/red.png", "A red rectangle")
        + attachment(32, "2025/01/red.png", "The same red rectangle")
        + attachment(33, "2025/01/red-copy.png", "")
        + "</channel></rss>",
        encoding="utf-8",
    )
    return export, tmp_path / "uploads"


@pytest.mark.django_db
def test_same_files_share_one_image_and_unnamed_uploads_come_too(tmp_path):
    export, uploads = small_export(tmp_path)
    out = io.StringIO()
    call_command("import_wordpress", str(export), "--media-dir", str(uploads), stdout=out)
    report = out.getvalue()
    assert "2 imported, 0 unchanged, 1 identical to another, 0 failed; 1 featured" in report
    red = WordPressMedia.objects.get(attachment_id=31).image
    assert red.alt_text == "A red rectangle"
    # 33 is a copy of red.png: one library image for both.
    assert WordPressMedia.objects.get(attachment_id=33).image == red
    # green.png has no attachment: brought over (its original, not the -300x300 size
    # the body shows, which the folder does not have) with the alt text its <img> gives.
    green = WordPressMedia.objects.get(path="2025/01/green.png")
    assert green.attachment_id is None and green.image.alt_text == "A green square"
    assert Image.objects.count() == 2
    article = Article.objects.get(title="Colours")
    assert set(article.body_images.all()) == {red, green.image}
    assert f'alt="{red.alt_text}"' in article.body_html  # the body's empty alt filled in
    assert article.featured_image_alt == "A red rectangle"
    assert "old.example.org" not in article.body_html

    out = io.StringIO()
    call_command("import_wordpress", str(export), "--media-dir", str(uploads), stdout=out)
    assert "0 imported, 3 unchanged, 0 identical to another, 0 failed; 0 featured" in (
        out.getvalue()
    )
    assert Image.objects.count() == 2 and WordPressMedia.objects.count() == 3


def test_uploads_on_another_host_are_recognised_there_only():
    from wordpress.media import Attachment

    importer = MediaImporter()
    importer.base_url = "https://wpthemetestdata.wordpress.com"
    importer._add_site_address(importer.base_url)
    importer._add_attachment(
        Attachment(
            attachment_id=611,
            title="Image Alignment 150x150",
            url="https://wpthemetestdata.files.wordpress.com/2013/03/image-alignment-150x150.jpg",
            path="2013/03/image-alignment-150x150.jpg",
        )
    )
    files = "https://wpthemetestdata.files.wordpress.com"
    assert importer.relative_path(f"{files}/2013/03/a-300x200.jpg") == "2013/03/a-300x200.jpg"
    assert importer.relative_path(f"{importer.base_url}/2013/03/a-post/") is None
    assert importer.relative_path(f"{importer.base_url}/wp-content/uploads/2013/03/b.jpg") == (
        "2013/03/b.jpg"
    )
    assert importer.relative_path("/wp-content/uploads/2013/03/b.jpg") == "2013/03/b.jpg"
    assert importer.relative_path("https://elsewhere.example.net/2013/03/b.jpg") is None
    assert importer.relative_path(f"{files}/../etc/passwd") is None
    assert importer.upload_base_url() == f"{files}/"
    assert importer._attachment_for("2013/03/image-alignment-150x150-300x300.jpg") == 611


@pytest.mark.django_db
def test_the_pixel_limit_holds_for_imported_images(tmp_path, settings):
    settings.MAX_IMAGE_PIXELS = 300_000  # red is 900 × 500, green 500 × 500
    export, uploads = small_export(tmp_path)
    out = io.StringIO()
    call_command("import_wordpress", str(export), "--media-dir", str(uploads), stdout=out)
    report = out.getvalue()
    assert "1 imported, 0 unchanged, 0 identical to another, 2 failed" in report
    assert (
        "attachment 31 “Picture 31”, 2025/01/red.png: This image is 900 × 500 pixels, more "
        "than the 300,000 pixels allowed." in report
    )
    assert WordPressMedia.objects.get().path == "2025/01/green.png"
    assert "2025/01/red.png: This image is 900 × 500 pixels" in report.split("post 40")[1]
