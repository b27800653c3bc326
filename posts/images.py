"""
Featured images: check an upload, re-encode it and make its renditions.

Only real PNG, JPEG, WebP and GIF files are accepted: Pillow must recognise the
bytes as one of these formats (the file name and declared content type count
for nothing). An upload larger than ``settings.MAX_IMAGE_UPLOAD_BYTES`` or with
more pixels than ``settings.MAX_IMAGE_PIXELS`` (a decompression bomb) is
refused before its pixels are decoded. Every accepted image is decoded and
encoded again from its pixels alone, which drops EXIF (GPS position, camera),
comments and anything smuggled after the image data, and renditions
``RENDITION_WIDTHS`` pixels wide are made once, never larger than the original.
"""

import io
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
RENDITION_WIDTHS = (1200, 800, 400)
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


@dataclass
class CleanImage:
    """An accepted upload: its re-encoded bytes and the decoded picture."""

    content: bytes
    format: str
    width: int
    height: int
    image: Image.Image = field(repr=False)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def _check_pixels(width: int, height: int) -> None:
    limit = settings.MAX_IMAGE_PIXELS
    if width * height > limit:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels, more than the %(limit)s pixels "
            "allowed. Upload a smaller image.",
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": f"{limit:,}"},
        )


def open_image(upload) -> Image.Image:
    """
    Open an uploaded file as a decoded image, or raise ValidationError.

    Checks, in order: byte size, that Pillow recognises one of the allowed
    formats, the pixel limit (before decoding), and that the whole image decodes.
    """
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            "This file is %(size)s; the largest image accepted is %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            "This file is larger than %(limit)s, the largest image accepted.",
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    not_an_image = ValidationError(
        "This file is not a PNG, JPEG, WebP or GIF image (or it is damaged).",
        code="invalid_image",
    )
    bomb = ValidationError(
        "This image has too many pixels to be opened safely (a possible decompression bomb).",
        code="too_many_pixels",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            _check_pixels(*image.size)
            image.verify()  # Checks the structure without decoding the pixels.
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise bomb from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise not_an_image from exc
    return image


KEPT_INFO = ("icc_profile", "transparency")


def _strip(image: Image.Image) -> Image.Image:
    """The picture upright, with no metadata but its colour profile and transparency."""
    image = ImageOps.exif_transpose(image)  # Returns a copy; orientation applied.
    image.info = {key: image.info[key] for key in KEPT_INFO if image.info.get(key) is not None}
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    options: dict = {"icc_profile": image.info.get("icc_profile")}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=88, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=85, method=4)
    elif image_format == "PNG":
        options.update(optimize=True)
    elif image_format == "GIF":
        options.pop("icc_profile")
        if image.mode not in ("P", "L"):
            image = image.convert("P", palette=Image.Palette.ADAPTIVE)
    if options.get("icc_profile") is None:
        options.pop("icc_profile", None)
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def clean_image(upload) -> CleanImage:
    """Check an upload (see ``open_image``) and re-encode it from its pixels alone."""
    opened = open_image(upload)
    image_format = opened.format
    image = _strip(opened)
    return CleanImage(
        content=_encode(image, image_format),
        format=image_format,
        width=image.width,
        height=image.height,
        image=image,
    )


def make_renditions(image: Image.Image, name: str, storage: Storage) -> dict[str, dict]:
    """
    Save copies RENDITION_WIDTHS wide (narrower ones only: never upscaled) next
    to ``name`` as WebP, returning {width: {"name", "width", "height"}}.
    """
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    stem = str(PurePosixPath(name).with_suffix(""))
    renditions = {}
    for width in RENDITION_WIDTHS:
        if width >= image.width:
            continue
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        resized.info = {}
        saved_name = storage.save(f"{stem}-{width}w.webp", ContentFile(_encode(resized, "WEBP")))
        renditions[str(width)] = {"name": saved_name, "width": width, "height": height}
    return renditions


def store_upload(field_file) -> dict[str, dict]:
    """
    Re-encode a new upload held by an ImageField's ``field_file`` (see
    ``clean_image``), save it in the field's storage under its stem and the
    format's extension, and make its renditions. Returns what the model keeps:
    {"original"|width: {"name", "width", "height"}}.
    """
    cleaned = clean_image(field_file)
    stem = PurePosixPath(field_file.name).stem or "image"
    field_file.save(f"{stem}.{cleaned.extension}", ContentFile(cleaned.content), save=False)
    return {
        "original": {"name": field_file.name, "width": cleaned.width, "height": cleaned.height},
        **make_renditions(cleaned.image, field_file.name, field_file.storage),
    }


def image_sources(field_file, renditions: dict[str, dict]) -> dict | None:
    """
    A stored image for an <img>: {"src", "srcset", "width", "height"}, where
    ``src`` is the smallest copy at least 800 pixels wide (else the original)
    and ``srcset`` lists the renditions and the original; None without a file.
    """
    if not field_file:
        return None
    storage = field_file.storage
    original = renditions.get("original")
    if not original:
        return {"src": field_file.url, "srcset": "", "width": "", "height": ""}
    sizes = sorted(
        (r for key, r in renditions.items() if key != "original"), key=lambda r: r["width"]
    )
    candidates = [*sizes, original]
    src = next((r for r in sizes if r["width"] >= 800), original)
    return {
        "src": storage.url(src["name"]),
        "srcset": ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in candidates),
        "width": original["width"],
        "height": original["height"],
    }


def stored_names(field_file, renditions: dict[str, dict]) -> set[str]:
    """The names in storage of an image and its renditions."""
    names = {rendition["name"] for rendition in renditions.values()}
    if field_file:
        names.add(field_file.name)
    return names
