import time
import zoneinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wordpress import media
from wordpress.importer import ImportReport, WordPressImporter, site_timezone
from wordpress.wxr import WXRError


class CountingReader:
    """A binary file that counts the bytes read from it, for the progress display."""

    def __init__(self, file):
        self.file = file
        self.bytes_read = 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.bytes_read += len(data)
        return data


class Progress:
    """A bar redrawn in place on a terminal; a plain line every tenth of the file otherwise."""

    def __init__(self, stdout, reader: CountingReader, total: int):
        self.stdout = stdout
        self.reader = reader
        self.total = max(total, 1)
        self.tty = stdout.isatty()
        self.last_tenth = -1
        self.last_draw = 0.0

    def _counts(self, report: ImportReport) -> str:
        articles = sum(report.count("articles", o) for o in ("imported", "updated", "unchanged"))
        comments = sum(report.count("comments", o) for o in ("imported", "updated", "unchanged"))
        return f"{articles} articles, {comments} comments"

    def __call__(self, report: ImportReport) -> None:
        fraction = min(self.reader.bytes_read / self.total, 1.0)
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.1 and fraction < 1.0:
                return
            self.last_draw = now
            filled = int(fraction * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stdout.write(f"\r[{bar}] {fraction:4.0%}  {self._counts(report)}", ending="")
            self.stdout.flush()
            return
        # The file is read ahead in chunks: 100% is only written by finish().
        tenth = min(int(fraction * 10), 9)
        if tenth > self.last_tenth:
            self.last_tenth = tenth
            self.stdout.write(f"Read {fraction:.0%} of the file: {self._counts(report)}")

    def finish(self, report: ImportReport) -> None:
        self.reader.bytes_read = self.total
        if self.tty:
            self.last_draw = 0.0
            self(report)
            self.stdout.write("")
        else:
            self.stdout.write(f"Read 100% of the file: {self._counts(report)}")


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2, from Tools > Export): authors, categories "
        "and tags, posts, pages, comments and the menu, with redirects from the old "
        "addresses. Running it again with the same or a newer export adds nothing twice; "
        "another site's export only adds."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and report what would be imported, but write nothing.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace articles, pages and comments changed here since they were imported "
            "(edited text, a moderator's decision) with the export's, and let an older export "
            "of the same site change what it holds. Without it they are kept and reported.",
        )
        parser.add_argument(
            "--timezone",
            help=(
                "The WordPress site's time zone, for posts and comments exported without a "
                "GMT time (drafts). Defaults to the TIME_ZONE setting."
            ),
        )
        images = parser.add_mutually_exclusive_group()
        images.add_argument(
            "--media-dir",
            metavar="PATH",
            help="A copy of the old site's wp-content/uploads folder: its images are brought "
            "into the image library.",
        )
        images.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download the images from the old site (its wp-content/uploads) into the "
            "image library.",
        )
        parser.add_argument(
            "--fetch-from",
            metavar="URL",
            help="With --fetch-media: the address of the uploads folder, when it is not "
            "<the export's site>/wp-content/uploads/ (a moved or staging copy).",
        )
        parser.add_argument(
            "--fetch-timeout",
            type=float,
            default=media.DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help="With --fetch-media: the most seconds one file may take "
            f"(default {media.DEFAULT_TIMEOUT:g}).",
        )

    def handle(self, *args, export, dry_run=False, timezone=None, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"{export}: no such file.")
        if options.get("fetch_from") and not options.get("fetch_media"):
            raise CommandError("--fetch-from goes with --fetch-media.")
        try:
            source = media.media_source(
                media_dir=options.get("media_dir"),
                fetch=options.get("fetch_media", False),
                fetch_from=options.get("fetch_from"),
                timeout=options.get("fetch_timeout") or media.DEFAULT_TIMEOUT,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        images = media.MediaImporter(source=source, dry_run=dry_run, progress_stream=self.stderr)
        try:
            tz = site_timezone(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(f"Unknown time zone “{timezone}”.") from exc

        started = time.monotonic()
        with path.open("rb") as file:
            reader = CountingReader(file)
            progress = Progress(self.stdout, reader, path.stat().st_size)
            importer = WordPressImporter(
                site_timezone=tz,
                dry_run=dry_run,
                progress=progress,
                media=images,
                overwrite=options.get("overwrite", False),
            )
            try:
                with transaction.atomic():
                    try:
                        report = importer.run(path, source=reader)
                    except BaseException:
                        images.discard_stored()  # the rollback forgets their images
                        raise
                    nothing = report.imported_nothing()
                    if dry_run or nothing:
                        transaction.set_rollback(True)
                        images.discard_stored()
            except WXRError as exc:
                if progress.tty:
                    self.stdout.write("")
                raise CommandError(f"{exc} Nothing was imported.") from exc
            progress.finish(report)
        self.stdout.write(report.render())
        if nothing:
            raise CommandError(f"{path.name}: {nothing} Nothing was imported.")
        self.stdout.write(images.report.render())
        self.stdout.write(f"  Took {time.monotonic() - started:.1f} s.")
