"""
Write a WordPress export (WXR 1.2) shaped like the benchmark's pages, for
``bench/run --wxr``: 20 published posts of about 700 words with three
quotations (blockquotes) each, two tags and a category; the first post has 50
approved threaded comments, the second 200 (three levels deep), of about 57
words each. Every word is generated here.

    .venv/bin/python bench/make_wxr.py bench/results/political.xml
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

SENTENCE = (
    "Campaigns that win close races spend their last month on the voters they already have, "
    "because turnout moves more votes than persuasion in a polarized electorate."
)
QUOTE = (
    "The suburbs did not move because of the message; they moved because the other side stopped "
    "showing up, and nobody in the room wanted to say it."
)
COMMENT = (
    "I canvassed three precincts last cycle and saw the same thing: the people who answered the "
    "door had already decided, and the ones who did not answer were the whole election. Turnout "
    "operations deserve the budget that television gets, and every county party should know "
    "its list of irregular voters by name before Labor Day."
)


def cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def body() -> str:
    paragraph = " ".join([SENTENCE] * 4)  # about 100 words
    parts = []
    for number in range(7):
        parts.append(f"<p>{paragraph}</p>")
        if number in (1, 3, 5):
            parts.append(f"<blockquote><p>{QUOTE}</p><cite>A county chair</cite></blockquote>")
    return "\n\n".join(parts)


def comments(count: int, post: int, start: datetime) -> str:
    """``count`` approved comments, a third top-level, each reply chain three deep."""
    items = []
    for index in range(count):
        comment_id = post * 1000 + index + 1
        parent = comment_id - 1 if index % 3 else 0
        when = start + timedelta(minutes=10 * (index + 1))
        items.append(
            f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author>{cdata(f"Reader {post}-{index}")}</wp:comment_author>
			<wp:comment_author_email>{cdata(f"reader{post}-{index}@example.net")}</wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP>{cdata("192.0.2.10")}</wp:comment_author_IP>
			<wp:comment_date>{cdata(when.strftime("%Y-%m-%d %H:%M:%S"))}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(when.strftime("%Y-%m-%d %H:%M:%S"))}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(COMMENT)}</wp:comment_content>
			<wp:comment_approved>{cdata("1")}</wp:comment_approved>
			<wp:comment_type>{cdata("comment")}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""
        )
    return "\n".join(items)


def item(number: int, comment_count: int, published: datetime) -> str:
    post = 100 + number
    title = f"Turnout memo {number}: the suburbs and the midterms"
    slug = f"turnout-memo-{number}"
    stamp = published.strftime("%Y-%m-%d %H:%M:%S")
    return f"""	<item>
		<title>{escape(title)}</title>
		<link>https://strategist.example.org/{published:%Y/%m/%d}/{slug}/</link>
		<pubDate>{published:%a, %d %b %Y %H:%M:%S} +0000</pubDate>
		<dc:creator>{cdata("analyst")}</dc:creator>
		<guid isPermaLink="false">https://strategist.example.org/?p={post}</guid>
		<description></description>
		<content:encoded>{cdata(body())}</content:encoded>
		<excerpt:encoded>{cdata("")}</excerpt:encoded>
		<wp:post_id>{post}</wp:post_id>
		<wp:post_date>{cdata(stamp)}</wp:post_date>
		<wp:post_date_gmt>{cdata(stamp)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:ping_status>{cdata("closed")}</wp:ping_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata("publish")}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="strategy">{cdata("Strategy")}</category>
		<category domain="post_tag" nicename="turnout">{cdata("Turnout")}</category>
		<category domain="post_tag" nicename="suburbs">{cdata("Suburbs")}</category>
{comments(comment_count, post, published)}
	</item>"""


def export(now: datetime) -> str:
    items = []
    for number in range(20):
        count = {0: 50, 1: 200}.get(number, 2)
        # Recent, but past: comments stay open and the articles are published.
        items.append(item(number, count, now - timedelta(days=20 - number)))
    channel_items = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>The Bench Strategist</title>
	<link>https://strategist.example.org</link>
	<description>Notes on campaigns</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://strategist.example.org</wp:base_site_url>
	<wp:base_blog_url>https://strategist.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata("analyst")}</wp:author_login><wp:author_email>{cdata("analyst@strategist.example.org")}</wp:author_email><wp:author_display_name>{cdata("Dana Analyst")}</wp:author_display_name><wp:author_first_name>{cdata("Dana")}</wp:author_first_name><wp:author_last_name>{cdata("Analyst")}</wp:author_last_name></wp:author>
{channel_items}
</channel>
</rss>
"""  # noqa: E501


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench/make_wxr.py OUTPUT.xml")
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    Path(sys.argv[1]).write_text(export(now))


if __name__ == "__main__":
    main()
