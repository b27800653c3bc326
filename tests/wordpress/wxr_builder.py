"""Small WordPress exports written by the tests (issue 16, parts 3 and 4)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management import call_command

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>{title}</title>
	<link>{site}</link>
	{pub_date}
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{site}</wp:base_site_url>
	<wp:base_blog_url>{site}</wp:base_blog_url>
	<wp:author><wp:author_login>editor</wp:author_login>
		<wp:author_display_name>The Editor</wp:author_display_name></wp:author>
	<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>analysis</wp:category_nicename>
		<wp:cat_name>Analysis</wp:cat_name></wp:category>
"""


def comment(
    comment_id: int, body: str, *, approved: str = "1", parent: int = 0, when: str = ""
) -> str:
    when = when or "2024-05-15 10:00:00"
    return f"""
		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author><![CDATA[Reader {comment_id}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[]]></wp:comment_author_email>
			<wp:comment_date_gmt><![CDATA[{when}]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{body}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
		</wp:comment>"""


def item(
    post_id: int,
    title: str,
    *,
    site: str,
    post_type: str = "post",
    slug: str = "",
    link: str = "",
    date: str = "2024-05-14 12:00:00",
    content: str = "Some words.",
    status: str = "publish",
    parent: int = 0,
    menu_order: int = 0,
    comment_status: str = "open",
    terms: str = "",
    meta: dict[str, str] | None = None,
    comments: str = "",
) -> str:
    slug = slug if slug or post_type == "nav_menu_item" else title.lower().replace(" ", "-")
    day = date[:10].replace("-", "/")
    link = link or (f"{site}/{day}/{slug}/" if post_type == "post" else f"{site}/{slug}/")
    metas = "".join(
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in (meta or {}).items()
    )
    return f"""
	<item>
		<title>{escape(title)}</title>
		<link>{escape(link)}</link>
		<dc:creator><![CDATA[editor]]></dc:creator>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date><![CDATA[{date}]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
		<wp:post_modified_gmt><![CDATA[{date}]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[{comment_status}]]></wp:comment_status>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_parent>{parent}</wp:post_parent>
		<wp:menu_order>{menu_order}</wp:menu_order>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		{terms}{metas}{comments}
	</item>"""


def menu_item(
    post_id: int,
    *,
    site: str,
    title: str = "",
    kind: str = "custom",
    obj: str = "custom",
    object_id: int = 0,
    url: str = "",
    parent: int = 0,
    order: int = 0,
    menu: str = "main-menu",
) -> str:
    return item(
        post_id,
        title,
        site=site,
        post_type="nav_menu_item",
        menu_order=order,
        link=f"{site}/?p={post_id}",
        content="",
        terms=f'<category domain="nav_menu" nicename="{menu}">{menu.title()}</category>',
        meta={
            "_menu_item_type": kind,
            "_menu_item_menu_item_parent": str(parent),
            "_menu_item_object_id": str(object_id),
            "_menu_item_object": obj,
            "_menu_item_url": url,
        },
    )


def export(tmp_path: Path, name: str, site: str, items: list[str], *, pub_date: str = "") -> Path:
    """Write an export of ``site`` holding ``items``; its <pubDate> when given (RFC 822)."""
    head = HEAD.format(
        title=escape(name),
        site=site,
        pub_date=f"<pubDate>{pub_date}</pubDate>" if pub_date else "",
    )
    path = tmp_path / f"{name}.xml"
    path.write_text(head + "".join(items) + "\n</channel>\n</rss>\n", encoding="utf-8")
    return path


def run_import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()
