"""
The article form's Preview button (as WordPress's): the form's current
contents, posted to a new tab, rendered as the article page without saving
anything, for staff who may add (a new article) or change (this one)
articles. Authors, tags (typed new ones too) and quotations come from the
form. Never cached, never indexed.
"""

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import slugify

from posts.models import ASCII_SLUG, Article, Author, Quotation, Tag
from posts.rendering import render_body
from posts.tag_field import split_new
from posts.views import render_article


def _form_parts(request, form, formsets) -> dict:
    """Authors, tags and quotations as the form has them (nothing is saved)."""
    author_ids = [value for value in request.POST.getlist("authors") if value.isdigit()]
    authors_by_id = Author.objects.in_bulk(author_ids)
    authors = [authors_by_id[int(pk)] for pk in author_ids if int(pk) in authors_by_id]
    tag_ids, new_names = split_new(request.POST.getlist("tags"))
    tag_ids = [value for value in tag_ids if value.isdigit()]
    tags = list(Tag.objects.filter(pk__in=tag_ids))
    existing = {tag.name.casefold() for tag in tags}
    for name in new_names:
        if name.casefold() not in existing:
            tags.append(Tag(name=name, slug=slugify(name) or "tag"))
    tags.sort(key=lambda tag: tag.name.casefold())
    quotations = []
    for formset in formsets:
        if formset.model is not Quotation:
            continue
        formset.is_valid()
        for quotation_form in formset.forms:
            data = getattr(quotation_form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("outlet") or not data.get("text"):
                continue
            quotations.append(
                Quotation(
                    speaker=data.get("speaker", ""),
                    outlet=data["outlet"],
                    source_url=data.get("source_url", ""),
                    text=data["text"],
                    order=data.get("order") or 1,
                )
            )
    quotations.sort(key=lambda quotation: quotation.order)
    return {"authors": authors, "tags": tags, "quotations": quotations}


def preview_article(model_admin, request, object_id: str | None = None) -> HttpResponse:
    """POST: the article page built from the posted form, unsaved."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = None
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
    else:
        stored = model_admin.get_object(request, unquote(object_id))
        if stored is None:
            raise Http404("No such article.")
        if not model_admin.has_change_permission(request, stored):
            raise PermissionDenied
    fieldsets = model_admin.get_fieldsets(request, stored)
    form_class = model_admin.get_form(
        request, stored, change=stored is not None, fields=flatten_fieldsets(fieldsets)
    )
    # The form works on a copy: the stored article is never touched.
    instance = None
    if stored is not None:
        instance = Article.objects.get(pk=stored.pk)
    data = request.POST.copy()
    # Typed new tags are shown, not created (the tag field would create them).
    data.setlist("tags", [value for value in data.getlist("tags") if value.isdigit()])
    form = form_class(data, {}, instance=instance)
    form.is_valid()  # Fills the copy with every valid field; errors do not stop a preview.
    article = form.instance
    if stored is not None:
        for name in ["featured_image", "featured_image_alt", "featured_image_caption"]:
            setattr(article, name, getattr(stored, name))
        article.image_renditions = stored.image_renditions
    else:
        article.featured_image = None
    if article.pub_date is None:
        article.pub_date = timezone.now()
    if not ASCII_SLUG.match(article.slug or ""):
        # The page links to itself: a slug the address accepts, even before one is typed.
        article.slug = slugify(article.title or "")[:200] or "preview"
        if not ASCII_SLUG.match(article.slug):
            article.slug = "preview"
    article.body_html = render_body(
        article.body or "", html=article.body_format == Article.BodyFormat.HTML
    )
    formsets, _ = model_admin._create_formsets(request, article, change=stored is not None)
    response = render_article(
        request, article, parts=_form_parts(request, form, formsets), preview=True
    )
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
