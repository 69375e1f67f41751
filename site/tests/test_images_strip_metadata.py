"""`manage.py images_strip_metadata`: photos stored before uploads were re-encoded lose their
GPS position too."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wagtail.images import get_image_model

import pytest
from PIL import Image

from network.factories import MemberFactory
from portal.image_factories import image_bytes, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _gps(field_file) -> dict:
    with field_file.open("rb"), Image.open(field_file) as image:
        return dict(image.getexif().get_ifd(0x8825))


def test_stored_photos_with_a_gps_position_are_re_encoded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = MemberFactory()
    member.photo.save("old.jpg", ContentFile(jpeg_with_gps()))
    clean = MemberFactory()
    clean.photo.save("plain.png", ContentFile(image_bytes("PNG")))
    image = get_image_model()(
        title="Site visit", file=SimpleUploadedFile("visit.jpg", jpeg_with_gps())
    )
    image.save()
    old_files = {member.photo.path, image.file.path}
    assert _gps(member.photo) and _gps(image.file)
    out = io.StringIO()

    call_command("images_strip_metadata", stdout=out)

    assert "2 images stripped, 1 already clean, 0 skipped" in out.getvalue()
    member.refresh_from_db()
    image.refresh_from_db()
    assert _gps(member.photo) == {} and _gps(image.file) == {}
    assert image.file_size == image.file.size and (image.width, image.height) == (64, 48)
    assert not any((tmp_path / path).exists() for path in old_files)
