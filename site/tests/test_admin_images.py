"""Images uploaded in the admin: a JPEG's GPS position does not reach the stored original."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import Collection

import pytest
from PIL import Image

from network.factories import UserFactory
from portal.image_factories import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_an_admin_upload_is_stored_without_its_gps_position(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")

    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Site visit",
            "file": SimpleUploadedFile("visit.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "collection": root.pk,
        },
    )

    assert response.status_code == 302
    image = get_image_model().objects.get(title="Site visit")
    with image.open_file() as stored_file:
        stored = stored_file.read()
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}
    assert b"PhoneMaker" not in stored
    assert (image.width, image.height) == (64, 48)
