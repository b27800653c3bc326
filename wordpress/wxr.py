"""
Stream a WordPress eXtended RSS (WXR) export, one record at a time.

``read_wxr`` walks the file with ``xml.etree.ElementTree.iterparse`` and yields
authors, terms, posts and comments as small dataclasses. Every element is
removed from its parent as soon as it has been read, so memory stays flat
however many items and comments the file holds: even a single post with
fifty thousand comments is read one comment at a time.

Namespaces differ between WXR 1.0, 1.1 and 1.2 and between WordPress.org
(``http://wordpress.org/export/1.2/``) and WordPress.com (``https://...``);
they are all recognised. A file that is not XML, not a WXR export, truncated
or wrongly encoded raises ``WXRError`` with a message naming the line.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(1\.\d+)/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
KNOWN_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}


class WXRError(Exception):
    """The file cannot be read as a WordPress export."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: int | None = None  # wp:author_id, for the old ?author=N addresses


@dataclass
class Term:
    """A category or tag declared at the top of the export."""

    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent_slug: str = ""
    term_id: int | None = None  # wp:term_id, what menu items name a term by


@dataclass
class ItemTerm:
    """A category or tag attached to an item: <category domain nicename>name</category>."""

    domain: str
    slug: str
    name: str


@dataclass
class Post:
    """Any item: post, page, attachment, menu item..."""

    post_id: int | None = None
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    id_source: str = ""  # "" (wp:post_id), "address" (?p=N) or "hash" (of the link): see item_id
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified_gmt: str = ""
    comment_status: str = ""
    post_name: str = ""
    status: str = ""
    password: str = ""
    parent_id: int | None = None  # wp:post_parent (0: none)
    menu_order: int = 0
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # wp:postmeta, key -> value (last wins)
    attachment_url: str = ""  # wp:attachment_url: an attachment's file on the old site


@dataclass
class Comment:
    comment_id: int | None = None
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    comment_type: str = ""
    user_agent: str = ""
    parent: int | None = None


@dataclass
class PostEnd:
    """The end of an item: every comment of ``post`` has been yielded."""

    post: Post


@dataclass
class Channel:
    """What the export says about the site, yielded before the first item."""

    wxr_version: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    pub_date: str = ""  # when the export was made (RFC 822), "" when the file does not say


POST_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt",
    "wp:post_modified_gmt": "post_modified_gmt",
    "wp:comment_status": "comment_status",
    "wp:post_name": "post_name",
    "wp:status": "status",
    "wp:post_type": "post_type",
    "wp:post_password": "password",
    "wp:attachment_url": "attachment_url",
}
COMMENT_FIELDS = {
    "wp:comment_author": "author",
    "wp:comment_author_email": "author_email",
    "wp:comment_author_url": "author_url",
    "wp:comment_author_IP": "author_ip",
    "wp:comment_date": "date",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "comment_type",
    "wp:comment_agent": "user_agent",
}


def _int_or_none(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


class _Names:
    """Turns '{uri}local' into 'wp:local', 'dc:local'... whatever the WXR version."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __call__(self, tag: str) -> str:
        name = self._cache.get(tag)
        if name is None:
            name = self._cache[tag] = self._name(tag)
        return name

    @staticmethod
    def _name(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, _, local = tag[1:].partition("}")
        if WP_NAMESPACE.match(uri):
            return f"wp:{local}"
        if EXCERPT_NAMESPACE.match(uri):
            return f"excerpt:{local}"
        prefix = KNOWN_NAMESPACES.get(uri)
        return f"{prefix}:{local}" if prefix else tag


def _text(element: ET.Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return element.text


def _declared_encoding(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(200)
    match = re.match(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", head)
    if match:
        return match.group(1).decode("ascii")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def describe_parse_error(path: Path, line: int, column: int, reason: str) -> str:
    """A message for a file expat cannot parse, saying when the bytes are the problem."""
    where = f"line {line}, column {column}"
    if "no element found" in reason or "unclosed token" in reason:
        return (
            f"{path.name} ends too early at {where} ({reason}): the file is truncated; "
            "export it again or download it completely."
        )
    encoding = _declared_encoding(path)
    if "invalid token" in reason and encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
        with path.open("rb") as file:
            for number, raw in enumerate(file, start=1):
                if number == line:
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        return (
                            f"{path.name} has broken encoding on line {line}: byte "
                            f"0x{raw[exc.start]:02x} at column {exc.start} is not valid "
                            f"{encoding}. Export the site again, or convert the file to UTF-8."
                        )
                    break
    return f"{path.name} is not valid XML: {reason} at {where}."


def check_wxr(path: Path) -> None:
    """
    Raise WXRError unless the file's root element is <rss> with a WordPress
    export namespace declared. Reads only up to the root element.
    """
    if path.stat().st_size == 0:
        raise WXRError(f"{path.name} is empty.")
    found: dict[str, object] = {}
    namespaces: list[str] = []

    class RootFound(Exception):
        pass

    parser = expat.ParserCreate(namespace_separator=" ")

    def start_namespace(prefix, uri):
        namespaces.append(uri)

    def start_element(name, attributes):
        found["name"] = name.rpartition(" ")[2]
        found["line"] = parser.CurrentLineNumber
        raise RootFound

    parser.StartNamespaceDeclHandler = start_namespace
    parser.StartElementHandler = start_element
    try:
        with path.open("rb") as file:
            while chunk := file.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except RootFound:
        pass
    except expat.ExpatError as exc:
        raise WXRError(
            describe_parse_error(path, exc.lineno, exc.offset, expat.ErrorString(exc.code))
        ) from exc
    if "name" not in found:
        raise WXRError(f"{path.name} is empty: it holds no XML element.")
    line = found["line"]
    if found["name"] != "rss":
        raise WXRError(
            f"{path.name} is not a WordPress export (WXR): its root element on line {line} "
            f"is <{found['name']}>, not <rss>. Export the site from Tools > Export in "
            "WordPress's admin."
        )
    if not any(WP_NAMESPACE.match(uri) for uri in namespaces):
        raise WXRError(
            f"{path.name} is an RSS feed but not a WordPress export (WXR): the <rss> element "
            f"on line {line} declares no WordPress namespace "
            '(xmlns:wp="http://wordpress.org/export/1.2/"). Export the site from '
            "Tools > Export in WordPress's admin rather than saving its feed."
        )


def read_wxr(path: Path, source: BinaryIO | None = None) -> Iterator[object]:
    """
    Yield Channel (once, before the first item), Author, Term, Post, Comment
    and PostEnd records in file order. Comments of a post follow its Post.
    ``source`` may be an already opened binary file (to count bytes read).
    """
    check_wxr(path)
    names = _Names()
    stack: list[ET.Element] = []
    channel = Channel()
    channel_sent = False
    post: Post | None = None
    post_sent = False
    file = source if source is not None else path.open("rb")
    try:
        # defusedxml: entity declarations and external references are refused.
        events = SafeET.iterparse(file, events=("start", "end"))
        try:
            for event, element in events:
                if event == "start":
                    stack.append(element)
                    depth = len(stack) - 1  # rss=0, channel=1, item=2, field=3
                    if depth == 2 and names(element.tag) == "item":
                        if not channel_sent:
                            channel_sent = True
                            yield channel
                        post, post_sent = Post(), False
                    elif (
                        depth == 3
                        and post is not None
                        and not post_sent
                        and names(element.tag) == "wp:comment"
                    ):
                        post_sent = True
                        _fill_id(post)
                        yield post
                    continue

                stack.pop()
                depth = len(stack)
                name = names(element.tag)
                if depth == 3 and post is not None:
                    if name == "wp:comment":
                        yield _comment(element, names)
                    else:
                        _post_field(post, name, element)
                    stack[-1].remove(element)
                elif depth == 2:
                    if name == "item" and post is not None:
                        if not post_sent:
                            _fill_id(post)
                            yield post
                        yield PostEnd(post)
                        post = None
                    elif name == "wp:author":
                        yield _author(element, names)
                    elif name == "wp:category":
                        yield _category(element, names)
                    elif name == "wp:tag":
                        yield _tag(element, names)
                    elif name == "wp:wxr_version":
                        channel.wxr_version = _text(element).strip()
                    elif name == "wp:base_blog_url":
                        channel.base_blog_url = _text(element).strip()
                    elif name == "wp:base_site_url":
                        channel.base_site_url = _text(element).strip()
                    elif name == "pubDate":
                        channel.pub_date = _text(element).strip()
                    elif name == "link":
                        channel.link = _text(element).strip()
                    stack[-1].remove(element)
            if not channel_sent:
                yield channel
        except ET.ParseError as exc:
            line, column = exc.position
            reason = str(exc).rsplit(":", 1)[0]
            raise WXRError(describe_parse_error(path, line, column, reason)) from exc
        except DefusedXmlException as exc:
            raise WXRError(
                f"{path.name} declares XML entities or external references ({exc}), which a "
                "WordPress export never does; refused for safety."
            ) from exc
    finally:
        if source is None:
            file.close()


class ReusableBlocks(Mapping[int, str]):
    """
    The export's reusable blocks (``wp_block`` items, ID -> content): those
    read so far, as the importer stores them. Asked for one it does not hold,
    it reads the whole file once (``path``) for all of them: WordPress exports
    items in ID order, and a post may place a block made after it.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.blocks: dict[int, str] = {}
        self.read_whole_file = False

    def __setitem__(self, post_id: int, content: str) -> None:
        self.blocks[post_id] = content

    def __getitem__(self, post_id: int) -> str:
        if post_id not in self.blocks and not self.read_whole_file and self.path is not None:
            self.read_whole_file = True
            for record in read_wxr(self.path):
                if (
                    isinstance(record, Post)
                    and record.post_type.strip() == "wp_block"
                    and record.post_id is not None
                ):
                    self.blocks.setdefault(record.post_id, record.content)
        return self.blocks[post_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)


_ADDRESS_ID = re.compile(r"[?&](?:p|page_id|attachment_id)=([0-9]{1,18})(?:[&#]|$)")
HASHED_ID_BASE = 1 << 52
"""IDs made from a hash of the link are at least this: far above any real WordPress ID."""


def item_id(post: Post) -> tuple[int | None, str]:
    """
    The ID of an item exported without ``<wp:post_id>`` (WordPress's
    theme-preview file): ``N`` of ``?p=N`` (``?page_id=N``, ``?attachment_id=N``)
    in its ``<guid>`` or ``<link>``, else a stable hash of its link (or guid),
    so that importing the file again finds the same items. Returns
    ``(id, source)``, source "address" or "hash"; ``(None, "")`` with neither.
    """
    for address in (post.guid, post.link):
        match = _ADDRESS_ID.search(address.strip())
        if match:
            return int(match.group(1)), "address"
    address = post.link.strip() or post.guid.strip()
    if not address:
        return None, ""
    digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).digest()
    return HASHED_ID_BASE + int.from_bytes(digest[:6], "big"), "hash"


def _fill_id(post: Post) -> None:
    if post.post_id is None:
        post.post_id, post.id_source = item_id(post)


def _post_field(post: Post, name: str, element: ET.Element) -> None:
    if name == "category":
        post.terms.append(
            ItemTerm(
                domain=element.get("domain", ""),
                slug=element.get("nicename", ""),
                name=_text(element).strip(),
            )
        )
    elif name == "wp:post_id":
        post.post_id = _int_or_none(element.text)
    elif name == "wp:post_parent":
        post.parent_id = _int_or_none(element.text) or None
    elif name == "wp:menu_order":
        post.menu_order = _int_or_none(element.text) or 0
    elif name == "wp:postmeta":
        values = {child.tag.rpartition("}")[2]: _text(child) for child in element}
        key = values.get("meta_key", "").strip()
        if key:
            post.meta[key] = values.get("meta_value", "")
    elif name in POST_FIELDS:
        setattr(post, POST_FIELDS[name], _text(element))


def _children(element: ET.Element, names: _Names) -> dict[str, str]:
    return {names(child.tag): _text(child) for child in element}


def _comment(element: ET.Element, names: _Names) -> Comment:
    values = _children(element, names)
    comment = Comment(
        comment_id=_int_or_none(values.get("wp:comment_id")),
        parent=_int_or_none(values.get("wp:comment_parent")),
    )
    for name, attribute in COMMENT_FIELDS.items():
        setattr(comment, attribute, values.get(name, ""))
    return comment


def _author(element: ET.Element, names: _Names) -> Author:
    values = _children(element, names)
    return Author(
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        author_id=_int_or_none(values.get("wp:author_id")),
    )


def _category(element: ET.Element, names: _Names) -> Term:
    values = _children(element, names)
    return Term(
        taxonomy="category",
        slug=values.get("wp:category_nicename", "").strip(),
        name=values.get("wp:cat_name", "").strip(),
        parent_slug=values.get("wp:category_parent", "").strip(),
        term_id=_int_or_none(values.get("wp:term_id")),
    )


def _tag(element: ET.Element, names: _Names) -> Term:
    values = _children(element, names)
    return Term(
        taxonomy="post_tag",
        slug=values.get("wp:tag_slug", "").strip(),
        name=values.get("wp:tag_name", "").strip(),
        term_id=_int_or_none(values.get("wp:term_id")),
    )
