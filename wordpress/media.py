"""
A WordPress site's images brought into the image library (posts.Image).

``MediaImporter.start`` reads the export once more before the posts are
imported (attachments can come after the posts that show them) and collects
the attachments (``wp:attachment_url``, ``_wp_attached_file``,
``_wp_attachment_metadata`` with its sizes, ``_wp_attachment_image_alt``, the
excerpt as caption, the content as description) and every upload the bodies
show that no attachment names. Each file not brought over before is read from
``--media-dir`` (a copy of wp-content/uploads) or fetched from the old site
(``--fetch-media``: a few at a time, with a time limit and the upload size
limit), then stored as an upload is (``posts.images``: the bytes must be an
image whatever the name says, pixel limit, re-encoded, renditions).
``WordPressMedia`` remembers which file became which image, so importing again
neither fetches nor stores a file twice, and identical files share one image.

``rewrite_body`` then points every ``<img>`` of the old site's uploads (any
size variant, ``-300x200.jpg``) at our copy, as the editor's library insert
does (src, srcset, sizes, width, height), and links to those files or their
attachment pages at our original. An image that could not be brought over
stays at its old address only when its host is in
``settings.WORDPRESS_KEEP_REMOTE_IMAGES_FROM`` (also in the CSP's img-src);
otherwise it becomes a link to its old address (or its alt text inside a
link), never an image the browser would block, and the report names it with
its post. ``set_featured_image`` makes ``_thumbnail_id`` the article's
featured image (its own copy of the library image's files).
"""

from __future__ import annotations

import hashlib
import html
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags

from posts.models import Article, Image
from wordpress import wxr
from wordpress.models import WordPressMedia, WordPressSite

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp"})
DEFAULT_WORKERS = 4
DEFAULT_TIMEOUT = 30.0
MAX_LISTED = 200
SIZES = "(max-width: 800px) 100vw, 800px"

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_A_OPEN = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""", re.DOTALL)
_HREF = re.compile(r"""(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_SIZE_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")


class MediaError(Exception):
    """A file that could not be brought over; the message says why, for the report."""


# PHP's serialize() format ---------------------------------------------------


def php_unserialize(text: str) -> object:
    """
    Read a value PHP's serialize() wrote (WordPress's post meta): strings,
    numbers, booleans, null and arrays (as dicts). Objects and anything
    malformed raise ValueError; nothing is ever executed or instantiated.
    """
    data = text.encode("utf-8")
    value, end = _php_value(data, 0, depth=0)
    if data[end:].strip():
        raise ValueError("trailing data after the serialized value")
    return value


def _php_value(data: bytes, at: int, depth: int) -> tuple[object, int]:
    if depth > 32:
        raise ValueError("nested too deeply")
    kind = data[at : at + 2]
    if kind == b"N;":
        return None, at + 2
    if kind in (b"i:", b"d:", b"b:"):
        end = data.index(b";", at)
        raw = data[at + 2 : end].decode("ascii")
        if kind == b"i:":
            return int(raw), end + 1
        if kind == b"d:":
            return float(raw), end + 1
        return raw == "1", end + 1
    if kind == b"s:":
        colon = data.index(b":", at + 2)
        length = int(data[at + 2 : colon])
        start = colon + 2  # past ':"'
        if data[colon + 1 : start] != b'"' or data[start + length : start + length + 2] != b'";':
            raise ValueError("malformed string")
        return data[start : start + length].decode("utf-8", "replace"), start + length + 2
    if kind == b"a:":
        colon = data.index(b":", at + 2)
        count = int(data[at + 2 : colon])
        if data[colon + 1 : colon + 2] != b"{":
            raise ValueError("malformed array")
        position, result = colon + 2, {}
        for _ in range(count):
            key, position = _php_value(data, position, depth + 1)
            if not isinstance(key, int | str):
                raise ValueError("array key is not a string or an integer")
            result[key], position = _php_value(data, position, depth + 1)
        if data[position : position + 1] != b"}":
            raise ValueError("malformed array end")
        return result, position + 1
    raise ValueError(f"unsupported serialized value {kind!r}")


# What the export says ---------------------------------------------------------


@dataclass
class Attachment:
    """An attachment item of the export, as far as the library needs it."""

    attachment_id: int
    title: str
    url: str
    path: str  # relative to the uploads folder: 2026/03/harbour.jpg
    link: str = ""
    alt: str = ""
    caption: str = ""
    description: str = ""
    credit: str = ""
    parent_id: int | None = None
    variants: list[str] = field(default_factory=list)  # sizes' paths, the unscaled original

    @property
    def is_image(self) -> bool:
        return _extension(self.path) in IMAGE_EXTENSIONS


def _extension(path: str) -> str:
    return PurePosixPath(path).suffix.lower().lstrip(".")


def _plain(value: str) -> str:
    return " ".join(html.unescape(strip_tags(value or "")).split())


def safe_relative_path(path: str) -> str | None:
    """``path`` (inside the uploads folder) when it cannot leave it, else None."""
    path = path.strip().lstrip("/")
    if not path or "\\" in path or "\x00" in path or len(path) > 500:
        return None
    parts = PurePosixPath(path).parts
    if any(part in ("..", ".") for part in parts):
        return None
    return "/".join(parts)


def attachment_from_post(post: wxr.Post) -> Attachment | None:
    """The attachment an ``attachment`` item describes (None without an ID or file)."""
    if post.post_id is None:
        return None
    attached = post.meta.get("_wp_attached_file", "").strip()
    url = post.attachment_url.strip() or post.guid.strip()
    metadata: dict = {}
    raw = post.meta.get("_wp_attachment_metadata", "")
    if raw:
        try:
            parsed = php_unserialize(raw)
        except (ValueError, IndexError):
            parsed = {}
        metadata = parsed if isinstance(parsed, dict) else {}
    if not attached:
        attached = str(metadata.get("file") or "")
    if not attached and url:
        match = re.search(r"/wp-content/uploads/(.+)$", urlsplit(url).path)
        attached = unquote(match.group(1)) if match else ""
    path = safe_relative_path(attached)
    if path is None:
        return None
    folder = str(PurePosixPath(path).parent)
    folder = "" if folder == "." else f"{folder}/"
    variants = []
    sizes = metadata.get("sizes")
    if isinstance(sizes, dict):
        for size in sizes.values():
            if isinstance(size, dict) and isinstance(size.get("file"), str):
                variant = safe_relative_path(folder + size["file"])
                if variant:
                    variants.append(variant)
    if isinstance(metadata.get("original_image"), str):
        variant = safe_relative_path(folder + metadata["original_image"])
        if variant:
            variants.append(variant)
    image_meta = metadata.get("image_meta")
    credit = ""
    if isinstance(image_meta, dict):
        credit = _plain(str(image_meta.get("credit") or ""))
    return Attachment(
        attachment_id=post.post_id,
        title=_plain(post.title),
        url=url,
        path=path,
        link=post.link.strip(),
        alt=_plain(post.meta.get("_wp_attachment_image_alt", "")),
        caption=_plain(post.excerpt),
        description=_plain(post.content),
        credit=credit,
        parent_id=post.parent_id,
        variants=variants,
    )


# Where the files come from ------------------------------------------------------


class DirectorySource:
    """A copy of the site's wp-content/uploads folder."""

    def __init__(self, root: Path, max_bytes: int):
        self.root = root.resolve()
        self.max_bytes = max_bytes

    def describe(self) -> str:
        return str(self.root)

    def load(self, path: str) -> bytes:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root):
            raise MediaError("its path leads outside the media folder")
        if not target.is_file():
            raise MediaError(f"not in the media folder {self.root}")
        size = target.stat().st_size
        if size > self.max_bytes:
            raise MediaError(
                f"{filesizeformat(size)}, larger than the {filesizeformat(self.max_bytes)} "
                "an image may be"
            )
        return target.read_bytes()


class HttpSource:
    """
    The old site's uploads over HTTP(S): ``base`` is the address of the
    uploads folder. Each file has ``timeout`` seconds in all (however slowly
    the bytes come), and is abandoned past ``max_bytes``.
    """

    def __init__(self, base: str, *, timeout: float, max_bytes: int):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.base = ""
        if base:
            self.set_base(base)

    def set_base(self, base: str) -> None:
        """Fetch from ``base`` (the uploads folder's address); checked to be http(s)."""
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{base} is not an http(s) address to fetch the images from.")
        self.base = base if base.endswith("/") else base + "/"
        handlers = []
        host = (parts.hostname or "").lower()
        if host in ("localhost", "::1") or host.startswith("127."):
            handlers.append(urllib.request.ProxyHandler({}))  # never through a proxy
        self.opener = urllib.request.build_opener(*handlers)

    def describe(self) -> str:
        return self.base

    def url(self, path: str) -> str:
        return self.base + quote(path)

    def load(self, path: str) -> bytes:
        url = self.url(path)
        too_large = MediaError(
            f"larger than the {filesizeformat(self.max_bytes)} an image may be; not fetched"
        )
        timed_out = MediaError(f"the old site did not send it within {self.timeout:g} s")
        deadline = time.perf_counter() + self.timeout
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by the command
            url, headers={"User-Agent": "strategist-wordpress-import"}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    raise too_large
                chunks, total = [], 0
                while True:
                    if time.perf_counter() > deadline:
                        raise timed_out
                    chunk = response.read1(64 * 1024)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > self.max_bytes:
                        raise too_large
                    chunks.append(chunk)
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            raise MediaError(f"the old site answered HTTP {exc.code}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise timed_out from exc
            raise MediaError(f"could not be fetched: {exc.reason}") from exc
        except TimeoutError as exc:
            raise timed_out from exc
        except OSError as exc:
            raise MediaError(f"could not be fetched: {exc}") from exc


# The report ---------------------------------------------------------------------


@dataclass
class MediaReport:
    """Images stored, reused and failed, and what each post shows that was not brought over."""

    source: str = ""
    counts: dict[str, int] = field(
        default_factory=lambda: {"imported": 0, "unchanged": 0, "shared": 0, "failed": 0}
    )
    featured: int = 0
    alt_fallbacks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    per_post: dict[str, list[str]] = field(default_factory=dict)
    kept_remote: int = 0
    not_images: int = 0
    no_source: int = 0
    nothing_to_do: bool = False  # no source given and no image brought over before
    would_import: int = 0

    def fail(self, message: str) -> None:
        self.counts["failed"] += 1
        self.failures.append(message)

    def not_brought(self, label: str, what: str) -> None:
        items = self.per_post.setdefault(label, [])
        if what not in items:
            items.append(what)

    def render(self) -> str:
        counts = self.counts
        if self.nothing_to_do:
            return (
                "  Images: none brought over (give --media-dir or --fetch-media); the old "
                "site's images in bodies are links to their old address."
            ) + self._render_posts()
        lines = [
            f"  Images{f' (from {self.source})' if self.source else ''}: "
            f"{counts['imported']} imported, {counts['unchanged']} unchanged, "
            f"{counts['shared']} identical to another, {counts['failed']} failed; "
            f"{self.featured} featured images set"
        ]
        if self.no_source:
            lines.append(
                f"      {self.no_source} images not brought over: give --media-dir or --fetch-media"
            )
        if self.would_import:
            lines.append(f"      {self.would_import} images would be brought over")
        if self.not_images:
            lines.append(f"      {self.not_images} attachments are not images (left out)")
        if self.kept_remote:
            lines.append(
                f"      {self.kept_remote} images left at their old address "
                "(WORDPRESS_KEEP_REMOTE_IMAGES_FROM)"
            )
        if self.alt_fallbacks:
            lines.append("  Images without alt text on WordPress (check these):")
            lines.extend(f"      - {line}" for line in self.alt_fallbacks[:MAX_LISTED])
        if self.failures:
            lines.append("  Images not brought over:")
            lines.extend(f"      - {line}" for line in self.failures[:MAX_LISTED])
            if len(self.failures) > MAX_LISTED:
                lines.append(f"      … and {len(self.failures) - MAX_LISTED} more.")
        return "\n".join(lines) + self._render_posts()

    def _render_posts(self) -> str:
        if not self.per_post:
            return ""
        lines = ["", "  Posts showing images that were not brought over:"]
        for label, items in list(self.per_post.items())[:MAX_LISTED]:
            lines.append(f"      {label}:")
            lines.extend(f"        - {item}" for item in items)
        if len(self.per_post) > MAX_LISTED:
            lines.append(f"      … and {len(self.per_post) - MAX_LISTED} more posts.")
        return "\n".join(lines)


class MediaProgress:
    """A line on stderr: redrawn in place on a terminal, every tenth of the files otherwise."""

    def __init__(self, stream: TextIO | None, total: int):
        self.stream = stream
        self.total = total
        self.done = 0
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.last_tenth = -1

    def step(self, report: MediaReport) -> None:
        self.done += 1
        if self.stream is None or not self.total:
            return
        line = (
            f"Media: {self.done}/{self.total} files ({report.counts['imported']} stored, "
            f"{report.counts['failed']} failed)"
        )
        if self.tty:
            self._write("\r" + line + ("\n" if self.done == self.total else ""))
        else:
            tenth = self.done * 10 // self.total
            if tenth > self.last_tenth:
                self.last_tenth = tenth
                self._write(line + "\n")
        self.stream.flush()

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)


# Bringing the files over ------------------------------------------------------------


@dataclass
class _Job:
    path: str
    attachment: Attachment | None = None
    alt_hint: str = ""
    fallback: str = ""  # the path to read when ``path`` cannot be


class MediaImporter:
    """
    The images of one export; see the module docstring. ``source`` is a
    DirectorySource or an HttpSource, or None to bring nothing new over (the
    images of earlier runs are still used).
    """

    def __init__(
        self,
        *,
        source: DirectorySource | HttpSource | None = None,
        workers: int = DEFAULT_WORKERS,
        dry_run: bool = False,
        progress_stream: TextIO | None = None,
    ) -> None:
        self.source = source
        self.workers = max(1, workers)
        self.dry_run = dry_run
        self.progress_stream = progress_stream
        self.report = MediaReport(source=source.describe() if source else "")
        self.site: WordPressSite | None = None
        self.started = False
        self.hosts: set[str] = set()
        # Host ("" for root-relative addresses) -> the paths its uploads are under.
        self.prefixes: dict[str, set[str]] = {"": {"/wp-content/uploads/"}}
        self.upload_bases: Counter[str] = Counter()  # attachments' uploads folder addresses
        self.base_url = ""
        self.attachments: dict[int, Attachment] = {}
        self.by_path: dict[str, int] = {}  # every file of an attachment -> its ID
        self.by_link: dict[str, int] = {}  # an attachment page's path -> its ID
        self.images_by_attachment: dict[int, Image] = {}
        self.images_by_path: dict[str, Image] = {}
        self.failed: dict[str, str] = {}  # path -> why it was not brought over
        self.stored_names: set[str] = set()  # files written to storage by this import

    # Reading the export ---------------------------------------------------

    def start(self, path: Path, site: WordPressSite | None, channel: wxr.Channel) -> None:
        """Read the export's attachments and bring over what is not here yet."""
        if self.started:
            return
        self.started = True
        self.site = site or site_for_channel(channel)
        self.base_url = (
            (channel.base_site_url or channel.base_blog_url or channel.link).strip().rstrip("/")
        )
        self._add_site_address(self.base_url)
        self._add_site_address(channel.base_blog_url.strip().rstrip("/"))
        if self.source is None and not WordPressMedia.objects.filter(site=self.site).exists():
            # Nothing to bring over and nothing brought before: no second reading.
            self.report.nothing_to_do = True
            return
        body_paths: dict[str, str] = {}  # upload path -> an alt text the bodies give it
        for record in wxr.read_wxr(path):
            if not isinstance(record, wxr.Post):
                continue
            if record.post_type.strip() == "attachment":
                attachment = attachment_from_post(record)
                if attachment is not None:
                    self._add_attachment(attachment)
            elif record.content:
                for url, alt in _image_addresses(record.content):
                    body_paths.setdefault(url, alt)
        known = self._load_known()
        jobs = []
        queued: set[str] = set()
        same_file: list[Attachment] = []  # attachments of a file another one brings over
        for attachment in self.attachments.values():
            if not attachment.is_image:
                self.report.not_images += 1
            elif attachment.attachment_id in self.images_by_attachment:
                self.report.counts["unchanged"] += 1
            elif attachment.path in known:
                self._link_attachment(known[attachment.path], attachment)
                self.report.counts["unchanged"] += 1
            elif attachment.path in queued:
                same_file.append(attachment)
            else:
                queued.add(attachment.path)
                jobs.append(_Job(attachment.path, attachment))
        for url, alt in body_paths.items():
            relative = self.relative_path(url)
            if relative is None or self._attachment_for(relative) is not None:
                continue
            # The original (without -300x200) when the folder has it, else that size.
            original = _SIZE_VARIANT.sub("", relative)
            if {relative, original} & (set(self.images_by_path) | queued):
                continue
            if _extension(relative) in IMAGE_EXTENSIONS:
                queued |= {relative, original}
                fallback = relative if original != relative else ""
                jobs.append(_Job(original, alt_hint=alt, fallback=fallback))
        self._bring_over(jobs)
        for attachment in same_file:
            image = self.images_by_path.get(attachment.path)
            if image is not None:
                self.images_by_attachment[attachment.attachment_id] = image

    def _add_site_address(self, address: str) -> None:
        if not address:
            return
        parts = urlsplit(address)
        prefix = unquote(parts.path).rstrip("/") + "/wp-content/uploads/"
        self.prefixes[""].add(prefix)
        if parts.hostname:
            self.hosts.add(parts.netloc.lower())
            self.prefixes.setdefault(parts.netloc.lower(), set()).add(prefix)

    def _add_attachment(self, attachment: Attachment) -> None:
        self.attachments[attachment.attachment_id] = attachment
        for path in [attachment.path, *attachment.variants]:
            self.by_path.setdefault(path, attachment.attachment_id)
        if attachment.url:
            parts = urlsplit(attachment.url)
            host = parts.netloc.lower()
            url_path = unquote(parts.path)
            if host and url_path.endswith("/" + attachment.path):
                # WordPress.com keeps uploads on another host, at its root.
                prefix = url_path[: -len(attachment.path)]
                self.hosts.add(host)
                self.prefixes.setdefault(host, set()).add(prefix)
                self.upload_bases[f"{parts.scheme}://{parts.netloc}{quote(prefix)}"] += 1
        if attachment.link:
            link_path = unquote(urlsplit(attachment.link).path)
            if link_path.strip("/"):
                self.by_link[link_path.rstrip("/") + "/"] = attachment.attachment_id

    def _load_known(self) -> dict[str, WordPressMedia]:
        rows = WordPressMedia.objects.filter(site=self.site).select_related("image")
        known = {}
        for row in rows:
            known[row.path] = row
            self.images_by_path[row.path] = row.image
            if row.attachment_id is not None:
                self.images_by_attachment[row.attachment_id] = row.image
        return known

    def _link_attachment(self, row: WordPressMedia, attachment: Attachment) -> None:
        """A file brought over for a body before its attachment was known: now it is."""
        if row.attachment_id is None and not self.dry_run:
            row.attachment_id = attachment.attachment_id
            row.save(update_fields=["attachment_id"])
        self.images_by_attachment[attachment.attachment_id] = row.image

    # Bringing over --------------------------------------------------------

    def _bring_over(self, jobs: list[_Job]) -> None:
        if not jobs:
            return
        if self.source is None or self.dry_run:
            reason = (
                "no --media-dir or --fetch-media given"
                if self.source is None
                else "dry run: nothing brought over"
            )
            for job in jobs:
                self._failed(job, reason, count=False)
            if self.source is None:
                self.report.no_source = len(jobs)
            else:
                self.report.would_import = len(jobs)
            return
        if isinstance(self.source, HttpSource) and not self.source.base:
            self.source.set_base(self.upload_base_url())
            self.report.source = self.source.describe()
        progress = MediaProgress(self.progress_stream, len(jobs))
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            # Stored in the export's order (whatever finishes first), so that the
            # first of identical files gives the shared image its description.
            futures = [(pool.submit(self._load, job), job) for job in jobs]
            for future, job in futures:
                try:
                    data = future.result()
                except MediaError as exc:
                    self._failed(job, str(exc))
                except Exception as exc:  # an unexpected failure: this file only
                    self._failed(job, f"could not be read ({type(exc).__name__}: {exc})")
                else:
                    self._store(job, data)
                progress.step(self.report)

    def _load(self, job: _Job) -> bytes:
        """The job's bytes (its fallback's when its own path fails); in a worker thread."""
        try:
            return self.source.load(job.path)
        except MediaError:
            if not job.fallback:
                raise
            job.path, job.fallback = job.fallback, job.path
            return self.source.load(job.path)

    def _failed(self, job: _Job, reason: str, *, count: bool = True) -> None:
        self.failed[job.path] = reason
        if job.fallback:
            self.failed[job.fallback] = reason
        if not count:
            return
        attachment = job.attachment
        if attachment is not None:
            where = f" (uploaded to post {attachment.parent_id})" if attachment.parent_id else ""
            self.report.fail(
                f"attachment {attachment.attachment_id} “{attachment.title or attachment.path}”"
                f"{where}, {job.path}: {reason}"
            )
        else:
            self.report.fail(f"{job.path}: {reason}")

    def _store(self, job: _Job, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        same = WordPressMedia.objects.filter(content_hash=digest).select_related("image").first()
        if same is not None:
            image = same.image
            self.report.counts["shared"] += 1
        else:
            alt, caption, credit = self._describe(job)
            image = Image(alt_text=alt, caption=caption, credit=credit)
            image.file = ContentFile(data, name=PurePosixPath(job.path).name)
            try:
                with transaction.atomic():
                    image.save()
            except ValidationError as exc:
                self._failed(job, " ".join(exc.messages))
                return
            self.stored_names |= image.stored_files()
            self.report.counts["imported"] += 1
        attachment = job.attachment
        WordPressMedia.objects.create(
            site=self.site,
            attachment_id=attachment.attachment_id if attachment else None,
            path=job.path,
            source_url=self.source_url(job.path),
            content_hash=digest,
            image=image,
        )
        self.images_by_path[job.path] = image
        if attachment is not None:
            self.images_by_attachment[attachment.attachment_id] = image

    def _describe(self, job: _Job) -> tuple[str, str, str]:
        """Alt text, caption and credit; a fallback alt text is reported."""
        attachment = job.attachment
        stem = PurePosixPath(job.path).stem.replace("-", " ").replace("_", " ").strip()
        if attachment is None:
            alt = job.alt_hint
            if not alt:
                alt = stem or "Image"
                self.report.alt_fallbacks.append(
                    f"{job.path} (no attachment): alt text “{alt[:300]}” made from its name"
                )
            return alt[:300], "", ""
        alt = attachment.alt
        if not alt:
            for what, candidate in (
                ("its description", attachment.description),
                ("its title", attachment.title),
                ("its file name", stem),
            ):
                if candidate:
                    alt = candidate
                    self.report.alt_fallbacks.append(
                        f"attachment {attachment.attachment_id}, {job.path}: alt text "
                        f"“{alt[:300]}” taken from {what}"
                    )
                    break
        return (alt or "Image")[:300], attachment.caption[:500], attachment.credit[:200]

    def upload_base_url(self) -> str:
        """The old uploads folder's address: the one most attachments give, else the site's."""
        if self.upload_bases:
            return self.upload_bases.most_common(1)[0][0]
        return f"{self.base_url}/wp-content/uploads/"

    def source_url(self, path: str) -> str:
        return self.upload_base_url() + quote(path)

    def discard_stored(self) -> None:
        """Delete the files this import stored: for an import rolled back."""
        if not self.stored_names:
            return
        storage = Image._meta.get_field("file").storage
        for name in self.stored_names:
            storage.delete(name)
        self.stored_names = set()

    # Finding the image for an address ---------------------------------------

    def relative_path(self, url: str) -> str | None:
        """The path in the uploads folder of an address of the old site's uploads, else None."""
        parts = urlsplit(html.unescape(url).strip())
        if parts.scheme not in ("", "http", "https"):
            return None
        host = parts.netloc.lower()
        if host and host not in self.hosts:
            return None
        if not host and not parts.path.startswith("/"):
            return None
        path = unquote(parts.path)
        for prefix in sorted(self.prefixes.get(host, ()), key=len, reverse=True):
            if path.startswith(prefix):
                return safe_relative_path(path[len(prefix) :])
        return None

    def _attachment_for(self, relative: str) -> int | None:
        found = self.by_path.get(relative)
        if found is None:
            found = self.by_path.get(_SIZE_VARIANT.sub("", relative))
        return found

    def image_for_path(self, relative: str) -> tuple[Image | None, str]:
        """The library image for an uploads path (any size variant), or None and why."""
        attachment_id = self._attachment_for(relative)
        if attachment_id is not None:
            image = self.images_by_attachment.get(attachment_id)
            if image is not None:
                return image, ""
            attachment = self.attachments[attachment_id]
            return None, self.failed.get(attachment.path, "not brought over")
        original = _SIZE_VARIANT.sub("", relative)
        image = self.images_by_path.get(relative) or self.images_by_path.get(original)
        if image is not None:
            return image, ""
        reason = self.failed.get(relative) or self.failed.get(original)
        return None, reason or self._unknown_reason()

    def _unknown_reason(self) -> str:
        if self.report.nothing_to_do:
            return "no --media-dir or --fetch-media given"
        return "no such attachment in the export"

    def image_for_attachment(self, attachment_id: int) -> tuple[Image | None, str]:
        image = self.images_by_attachment.get(attachment_id)
        if image is not None:
            return image, ""
        attachment = self.attachments.get(attachment_id)
        if attachment is None:
            image = (
                WordPressMedia.objects.filter(site=self.site, attachment_id=attachment_id)
                .select_related("image")
                .first()
            )
            if image is not None:
                self.images_by_attachment[attachment_id] = image.image
                return image.image, ""
            return None, self._unknown_reason()
        if not attachment.is_image:
            return None, "not an image"
        return None, self.failed.get(attachment.path, "not brought over")

    def _image_for_link(self, url: str) -> Image | None:
        relative = self.relative_path(url)
        if relative is not None:
            return self.image_for_path(relative)[0]
        parts = urlsplit(html.unescape(url).strip())
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return None
        attachment_id = self.by_link.get(unquote(parts.path).rstrip("/") + "/")
        return self.images_by_attachment.get(attachment_id) if attachment_id else None

    # Bodies ---------------------------------------------------------------

    def rewrite_body(self, content: str, label: str) -> str:
        """
        ``content`` with the old site's upload images shown from our copies (see
        the module docstring); what could not be brought over is noted under ``label``.
        """
        keep = {host.lower() for host in getattr(settings, "WORDPRESS_KEEP_REMOTE_IMAGES_FROM", [])}

        def image(match: re.Match[str]) -> str:
            attributes = _attributes(match.group(0))
            src = attributes.get("src", "")
            relative = self.relative_path(src) if src else None
            if relative is None:
                return match.group(0)
            found, reason = self.image_for_path(relative)
            alt = attributes.get("alt", "").strip()
            if found is not None:
                return _library_img(found, alt or found.alt_text)
            address = self._absolute(src)
            if (urlsplit(address).hostname or "").lower() in keep:
                self.report.kept_remote += 1
                return _tag("img", {"src": address, "alt": alt})
            self.report.not_brought(label, f"{relative}: {reason}")
            text = alt or PurePosixPath(relative).name
            if _inside_link(match.string, match.start()):
                return html.escape(text)
            return f'<a href="{html.escape(address)}">{html.escape(text)}</a>'

        content = _IMG_TAG.sub(image, content)

        def link(match: re.Match[str]) -> str:
            tag = match.group(0)
            href = _HREF.search(tag)
            if href is None:
                return tag
            found = self._image_for_link(html.unescape(href.group(2).strip("\"'")))
            if found is None:
                return tag
            url = found.file.url
            return tag[: href.start(2)] + f'"{html.escape(url)}"' + tag[href.end(2) :]

        return _A_OPEN.sub(link, content)

    def _absolute(self, url: str) -> str:
        url = html.unescape(url).strip()
        if url.startswith("//"):
            return "https:" + url
        if url.startswith("/"):
            return self.base_url + url
        return url

    # Featured images --------------------------------------------------------

    def set_featured_image(self, article: Article, post: wxr.Post, label: str) -> None:
        """
        ``_thumbnail_id`` as the article's featured image: a copy of the library
        image's files, with its alt text and caption. An article that already
        has a featured image keeps it (importing again changes nothing).
        """
        raw = post.meta.get("_thumbnail_id", "").strip()
        if not raw.isdigit() or article.featured_image:
            return
        image, reason = self.image_for_attachment(int(raw))
        if image is None:
            self.report.not_brought(label, f"featured image (attachment {raw}): {reason}")
            return
        if self.dry_run:
            self.report.featured += 1
            return
        storage = image.file.storage
        folder = f"featured/{timezone.now():%Y/%m}/"
        renditions = {}
        for key, rendition in image.renditions.items():
            with storage.open(rendition["name"]) as source:
                name = storage.save(
                    folder + PurePosixPath(rendition["name"]).name, ContentFile(source.read())
                )
            renditions[key] = {**rendition, "name": name}
            self.stored_names.add(name)
        if "original" not in renditions:
            return
        caption = " — ".join(part for part in (image.caption, image.credit) if part)[:500]
        values = {
            "featured_image": renditions["original"]["name"],
            "featured_image_alt": image.alt_text,
            "featured_image_caption": caption,
            "image_renditions": renditions,
        }
        # An update, not save(): the files are stored, and "last updated" stays WordPress's.
        Article.objects.filter(pk=article.pk).update(**values)
        for name, value in values.items():
            setattr(article, name, value)
        article._stored_image_files = article.image_files()
        self.report.featured += 1


def site_for_channel(channel: wxr.Channel) -> WordPressSite:
    """The WordPressSite of an export (its base site address, without a trailing slash)."""
    base = (channel.base_site_url or channel.base_blog_url or channel.link).strip().rstrip("/")
    site, _ = WordPressSite.objects.get_or_create(base_url=base)
    return site


def _attributes(tag: str) -> dict[str, str]:
    inner = re.sub(r"^<\w+|/?>$", "", tag)
    result = {}
    for match in _ATTRIBUTE.finditer(inner):
        name = match.group(1).lower()
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        result.setdefault(name, html.unescape(value))
    return result


def _tag(name: str, attributes: dict[str, object]) -> str:
    rendered = "".join(
        f' {key}="{html.escape(str(value))}"' for key, value in attributes.items() if value != ""
    )
    return f"<{name}{rendered}>"


def _library_img(image: Image, alt: str) -> str:
    """The <img> the editor's library insert makes (posts.rendering.figure_html)."""
    sources = image.sources() or {}
    return _tag(
        "img",
        {
            "src": sources.get("src", ""),
            "srcset": sources.get("srcset", ""),
            "sizes": SIZES,
            "alt": alt,
            "width": sources.get("width", ""),
            "height": sources.get("height", ""),
        },
    )


def _inside_link(text: str, position: int) -> bool:
    before = text[:position]
    last_open = max((m.start() for m in _A_OPEN.finditer(before)), default=-1)
    last_close = max((m.start() for m in _A_CLOSE.finditer(before)), default=-1)
    return last_open > last_close


def _image_addresses(content: str) -> Iterable[tuple[str, str]]:
    """(src, alt) of every <img> in some HTML, and each address of its srcset."""
    for tag in _IMG_TAG.findall(content):
        attributes = _attributes(tag)
        alt = attributes.get("alt", "").strip()
        if attributes.get("src"):
            yield attributes["src"], alt


def media_source(
    *, media_dir: str | None, fetch: bool, fetch_from: str | None, timeout: float
) -> DirectorySource | HttpSource | None:
    """
    The source the command's options name, None for neither; ValueError when
    unusable. Fetching without ``fetch_from`` uses the export's
    ``<site>/wp-content/uploads/``.
    """
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    if media_dir:
        root = Path(media_dir)
        if not root.is_dir():
            raise ValueError(f"--media-dir {media_dir}: no such folder.")
        return DirectorySource(root, max_bytes)
    if fetch or fetch_from:
        return HttpSource(fetch_from or "", timeout=timeout, max_bytes=max_bytes)
    return None
