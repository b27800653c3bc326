"""
A WordPress site imported with its images (--media-dir), read in Chromium: the
gallery and the featured image load from this site, under the site's
Content-Security-Policy, with no violation and no sideways scrolling.
"""

import io
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from posts.models import Article

SHARED = Path(settings.BASE_DIR).parent / "shared" / "fixtures"
EXPORT = SHARED / "wordpress-media-site.xml"
UPLOADS = SHARED / "wordpress-media-site-uploads"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.shared,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (EXPORT.is_file() and UPLOADS.is_dir()),
        reason=f"the WordPress media site ({EXPORT} and its uploads) is missing: ../shared",
    ),
]


@pytest.mark.parametrize("width", [1366, 390])
def test_imported_images_load_from_this_site(settings, new_context, width):
    settings.SERVE_MEDIA = True
    call_command("import_wordpress", str(EXPORT), "--media-dir", str(UPLOADS), stdout=io.StringIO())
    article = Article.objects.get(title="The fish market at dawn")
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto(article.get_absolute_url())
    images = page.locator("article img, main img")
    count = images.count()
    assert count >= 5  # the featured image, the market photo and the gallery's three
    for index in range(count):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        source = image.get_attribute("src")
        assert source.startswith("/media/"), source
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), source
    page.screenshot(
        path=Path(tempfile.gettempdir()) / f"wordpress-media-{width}.png", full_page=True
    )
    assert problems == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
