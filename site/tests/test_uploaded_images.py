"""`portal.uploaded_images`: the limits are read from the header, before any decoding."""

import time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from portal.image_factories import image_bytes, png_bomb
from portal.uploaded_images import UploadedImageField, image_upload_clean


def test_a_121_megapixel_png_is_refused_without_decoding_it():
    field = UploadedImageField(required=False)
    upload = SimpleUploadedFile("bomb.png", png_bomb())

    started = time.perf_counter()
    with pytest.raises(ValidationError, match="more than 40 megapixels"):
        field.clean(upload)
    # decoding its pixels alone takes about 0.3 s (and 121 MB) on the machine that runs CI
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_format_comes_back_in_its_format(fmt):
    clean = image_upload_clean(SimpleUploadedFile(f"photo.{fmt.lower()}", image_bytes(fmt)))

    assert clean.content_type == f"image/{fmt.lower()}"
    assert clean.name == "photo." + {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_refused_with_the_formats_to_use(fmt):
    with pytest.raises(ValidationError, match="Use a JPEG, PNG or WebP image"):
        image_upload_clean(SimpleUploadedFile("photo", image_bytes(fmt)))
