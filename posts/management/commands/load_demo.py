import io
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from posts import demo_content
from posts.models import Article, Author, Outlet, Page, Quotation, SiteSettings, Tag
from posts.signals import demo_loaded

ADMIN_USERNAME = "admin"


def draw_featured_image() -> bytes:
    """A 1600×900 PNG: a domed capitol in white on a navy sky over red and white bands."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height), (16, 42, 92))
    draw = ImageDraw.Draw(image)
    band = 30
    horizon = height - 7 * band
    for row in range(horizon):  # A sky lightening towards the horizon.
        shade = int(48 * row / horizon)
        draw.line([(0, row), (width, row)], fill=(16 + shade, 42 + shade, 92 + shade))
    for index, top in enumerate(range(height - 7 * band, height, band)):
        draw.rectangle(
            [0, top, width, top + band], fill=(178, 34, 52) if index % 2 == 0 else "white"
        )
    base_y = height - 7 * band
    cx = width // 2
    white = (245, 245, 240)
    draw.rectangle([cx - 520, base_y - 120, cx + 520, base_y], fill=white)  # Wings.
    draw.rectangle([cx - 260, base_y - 200, cx + 260, base_y - 120], fill=white)  # Portico.
    for x in range(cx - 240, cx + 241, 40):  # Columns.
        draw.rectangle([x - 6, base_y - 190, x + 6, base_y - 10], fill=(200, 200, 195))
    draw.rectangle([cx - 150, base_y - 290, cx + 150, base_y - 200], fill=white)  # Drum.
    draw.pieslice([cx - 150, base_y - 440, cx + 150, base_y - 140], 180, 360, fill=white)  # Dome.
    draw.rectangle([cx - 18, base_y - 500, cx + 18, base_y - 440], fill=white)  # Lantern.
    draw.polygon([(cx, base_y - 540), (cx - 14, base_y - 500), (cx + 14, base_y - 500)], fill=white)
    for i in range(40):  # Stars, placed deterministically.
        x, y = (i * 397) % width, 30 + (i * 173) % (height // 3)
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Fill the site with a demo publication: the masthead, authors, tags, outlets, a dozen "
        "articles with quotations and a featured image, the About, Masthead and Comment "
        "policy pages, and an admin account. Running it again "
        "changes nothing; the admin password is printed only when the account is created "
        "(or with --reset-admin-password)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-admin-password",
            action="store_true",
            help=f"Give the '{ADMIN_USERNAME}' account a new random password and print it.",
        )
        parser.add_argument(
            "--site-url",
            help="The address the site is served on, for the admin login printed "
            "(default: the SITE_URL setting; bin/run passes its port).",
        )

    def handle(self, *args, reset_admin_password=False, site_url=None, **options):
        with transaction.atomic():
            created = self.load_content()
            # Other apps' demo parts (menus: the site menu), from their own signals.py.
            demo_loaded.send(sender=self.__class__)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo content: added {created} articles."))
        else:
            self.stdout.write("Demo content: already loaded, nothing changed.")
        self.ensure_admin(reset_admin_password, (site_url or settings.SITE_URL).rstrip("/"))

    def load_content(self) -> int:
        SiteSettings.objects.get_or_create(pk=1, defaults=demo_content.MASTHEAD)
        authors = {
            data["slug"]: Author.objects.get_or_create(
                slug=data["slug"], defaults={"name": data["name"], "bio": data["bio"]}
            )[0]
            for data in demo_content.AUTHORS
        }
        outlets = {
            data["slug"]: Outlet.objects.get_or_create(
                slug=data["slug"], defaults={"name": data["name"], "home_url": data["home_url"]}
            )[0]
            for data in demo_content.OUTLETS
        }
        tags = {
            slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in demo_content.TAGS
        }
        existing = set(
            Article.objects.filter(
                slug__in=[data["slug"] for data in demo_content.ARTICLES]
            ).values_list("slug", flat=True)
        )
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        created = 0
        for data in demo_content.ARTICLES:
            if data["slug"] in existing:
                continue
            article = Article(
                title=data["title"],
                slug=data["slug"],
                dek=data["dek"],
                body=data["body"],
                status=Article.Status.PUBLISHED,
                pub_date=now - timezone.timedelta(days=data["days_ago"], hours=3),
            )
            if data.get("image"):
                article.featured_image = ContentFile(draw_featured_image(), name="capitol.png")
                article.featured_image_alt = (
                    "A white domed capitol building under a starry navy sky, above red and "
                    "white stripes."
                )
                article.featured_image_caption = "Illustration generated for the demo."
            article.save()
            # Demo articles read as written at their publication time, not "updated" today.
            Article.objects.filter(pk=article.pk).update(
                created=article.pub_date, updated=article.pub_date
            )
            article.authors.set([authors[slug] for slug in data["authors"]])
            article.tags.set([tags[slug] for slug in data["tags"]])
            Quotation.objects.bulk_create(
                Quotation(
                    article=article,
                    order=order,
                    speaker=quotation["speaker"],
                    outlet=outlets[quotation["outlet"]],
                    source_url=outlets[quotation["outlet"]].home_url + quotation["path"],
                    text=quotation["text"],
                )
                for order, quotation in enumerate(data["quotations"], start=1)
            )
            created += 1
        self.load_pages()
        return created

    def load_pages(self) -> None:
        """
        About, Masthead and Comment policy, published, at /about/, /masthead/ and
        /comment-policy/; a page already at one of those addresses stays as it is.
        """
        for data in demo_content.PAGES:
            Page.objects.get_or_create(
                path=data["slug"],
                defaults={
                    "slug": data["slug"],
                    "title": data["title"],
                    "dek": data["dek"],
                    "body": data["body"],
                    "menu_order": data["menu_order"],
                    "status": Page.Status.PUBLISHED,
                },
            )

    def ensure_admin(self, reset_password: bool, site_url: str) -> None:
        User = get_user_model()
        user = User.objects.filter(username=ADMIN_USERNAME).first()
        login_url = f"{site_url}/admin/"
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
            self.print_login(login_url, password, "Created an admin account")
        elif reset_password:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            self.print_login(login_url, password, "New password for the admin account")
        else:
            self.stdout.write(
                f"Admin: {login_url} as '{ADMIN_USERNAME}' with the password printed when the "
                "account was created. Forgot it? Run: "
                ".venv/bin/python manage.py load_demo --reset-admin-password"
            )

    def print_login(self, login_url: str, password: str, heading: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"{heading} (shown only now, keep it):\n"
                f"  {login_url}\n  username: {ADMIN_USERNAME}\n  password: {password}"
            )
        )
