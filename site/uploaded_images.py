"""Images that people upload: member photos, PB progress-update photos.

What is stored is bounded, whole and without metadata:

- the pixel count is read from the file's header and refused above the field's limit, and
  never above `WAGTAILIMAGES_MAX_IMAGE_PIXELS` (the `IMAGE_MAX_PIXELS` setting), before
  anything is decoded: a 14 KB PNG that claims 121 megapixels would take about 360 MB to decode
  the first time a page shows it;
- the image is decoded once, here, so a truncated or corrupt file is a form error with a
  message, not a server error on the first page that shows it;
- it is re-encoded from its pixels, turned upright first as its EXIF orientation says, so no
  EXIF (GPS position, camera serial number, time taken), XMP or comment is stored.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from PIL import Image, ImageOps, UnidentifiedImageError

# format: (content type, file extension, save options)
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg", {"quality": 90}),
    "PNG": ("image/png", ".png", {}),
    "WEBP": ("image/webp", ".webp", {"quality": 90}),
}
logger = logging.getLogger(__name__)

# what a re-encoded image keeps of the original's information: how to show its colours
_KEPT_INFO = ("icc_profile", "transparency")


def image_max_pixels() -> int:
    """The most pixels any uploaded image may have (the `IMAGE_MAX_PIXELS` setting)."""
    return settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def image_upload_clean(
    upload, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> SimpleUploadedFile:
    """The uploaded image (JPEG, PNG or WebP) re-encoded without metadata, in its format.

    Raises a ValidationError, with a message a person can act on, for a file that is too large,
    has too many pixels (at most `max_pixels` and never more than `image_max_pixels()`), is not
    an image of these formats, or is damaged or cut off.
    """
    limit = min(max_pixels or image_max_pixels(), image_max_pixels())
    if max_bytes is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Choose a smaller file."),
            code="file_too_large",
            params={"mb": f"{max_bytes / 1024 / 1024:g}"},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels on: the limit below is what decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(limit) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ValidationError(
            _("The file is not an image that can be read."), code="invalid_image"
        ) from error
    with image:
        if image.format not in IMAGE_FORMATS:
            raise ValidationError(_("Use a JPEG, PNG or WebP image."), code="invalid_format")
        width, height = image.size
        if width * height > limit:
            raise _too_many_pixels(limit, width=width, height=height)
        try:
            image.load()  # decodes every pixel: a truncated file fails here, not on a page
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise ValidationError(
                _(
                    "The image is damaged or incomplete (was the upload cut off?). Open it, "
                    "save it again and upload the new file."
                ),
                code="damaged_image",
            ) from error
        content_type, extension, options = IMAGE_FORMATS[image.format]
        upright.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        out = io.BytesIO()
        upright.save(out, format=image.format, **options)
    name = (Path(upload.name or "image").stem[:80] or "image") + extension
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def _too_many_pixels(limit: int, *, width: int = 0, height: int = 0) -> ValidationError:
    megapixels = f"{limit / 1_000_000:g}"
    if width and height:
        return ValidationError(
            _("The image has more than %(mp)s megapixels (%(w)d × %(h)d). Resize it first."),
            code="too_many_pixels",
            params={"mp": megapixels, "w": width, "h": height},
        )
    return ValidationError(
        _("The image has more than %(mp)s megapixels. Resize it first."),
        code="too_many_pixels",
        params={"mp": megapixels},
    )


class UploadedImageField(forms.ImageField):
    """A file field for an image from the public site: its cleaned value is the re-encoded
    image of `image_upload_clean` (checked before anything else reads the file)."""

    def __init__(
        self, *, max_bytes: int | None = None, max_pixels: int | None = None, **kwargs
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        accept = ",".join(content_type for content_type, *_rest in IMAGE_FORMATS.values())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # not ImageField's: it opens the file
        if upload is None:
            return None
        return image_upload_clean(upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels)


def stored_images_strip() -> dict[str, int]:
    """Re-encode, as `image_upload_clean` does, every stored image uploaded before it did: the
    files of every model's image fields (member photos, Wagtail images; not renditions, which
    Wagtail writes without metadata) that are JPEG, PNG or WebP with EXIF, XMP or a comment.
    Returns how many were `stripped`, already `clean`, and `skipped` (missing, unreadable or
    over the pixel limit: named in the log)."""
    from django.apps import apps
    from django.db import models

    from wagtail.images.models import AbstractImage, AbstractRendition

    counts = {"stripped": 0, "clean": 0, "skipped": 0}
    for model in apps.get_models():
        if issubclass(model, AbstractRendition):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ImageField):
                continue
            for row in model._base_manager.exclude(**{field.name: ""}).iterator():
                stored = getattr(row, field.name)
                try:
                    with stored.open("rb"):
                        if not _has_metadata(stored):
                            counts["clean"] += 1
                            continue
                        clean = image_upload_clean(stored)
                except (OSError, ValidationError) as error:
                    logger.warning("Cannot strip %s: %s", stored.name, error)
                    counts["skipped"] += 1
                    continue
                old_name = stored.name
                stored.save(clean.name, clean, save=False)
                if isinstance(row, AbstractImage):
                    row._set_image_file_metadata()
                row.save()
                stored.storage.delete(old_name)
                counts["stripped"] += 1
    return counts


def _has_metadata(stored) -> bool:
    stored.seek(0)
    with Image.open(stored) as image:
        return image.format in IMAGE_FORMATS and any(
            key in image.info for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment")
        )
