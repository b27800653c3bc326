from django import template

from posts.summaries import render_summaries

register = template.Library()


@register.simple_tag
def article_summaries(articles):
    """The summaries of ``articles``, one after another (posts.summaries.render_summaries)."""
    return render_summaries(articles)
