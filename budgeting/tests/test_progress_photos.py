"""Progress-update photos: bounded in pixels, whole, and stored without EXIF; a broken one is a
form error that keeps what was typed, and the implementation page keeps answering."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from portal.image_factories import jpeg_with_gps, png_bomb, truncated_jpeg

GPS_IFD = 0x8825


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post_update(client, team, name: str, content: bytes):
    client.force_login(team.champion)
    url = reverse(
        "budgeting:implementation_action",
        kwargs={"slug": team.project.process.slug, "pk": team.project_id, "action": "update"},
    )
    photo = SimpleUploadedFile(name, content)
    return client.post(url, {"body": "Kept text", "photo": photo, "photo_alt": "The ramp"})


def _page(client, team):
    return client.get(
        reverse(
            "budgeting:implementation",
            kwargs={"slug": team.project.process.slug, "pk": team.project_id},
        )
    )


def test_an_update_photo_is_stored_without_its_gps_position(team, client, media):
    response = _post_update(client, team, "site.jpg", jpeg_with_gps())

    assert response.status_code == 302
    image = team.updates.get().photo
    with image.open_file() as stored_file:
        stored = stored_file.read()
    with Image.open(io.BytesIO(stored)) as stored_image:
        assert stored_image.format == "JPEG" and stored_image.size == (64, 48)
        assert not stored_image.getexif().get_ifd(GPS_IFD)
        assert dict(stored_image.getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert _page(client, team).status_code == 200


def test_a_truncated_photo_is_a_form_error_not_a_server_error(team, client, media):
    response = _post_update(client, team, "cut.jpg", truncated_jpeg())

    assert response.status_code == 400
    html = response.content.decode()
    assert "damaged or incomplete" in html
    assert "Kept text" in html
    assert not team.updates.exists()
    assert _page(client, team).status_code == 200


def test_a_tiny_png_of_121_megapixels_is_refused_at_once(team, client, media):
    bomb = png_bomb()
    assert len(bomb) < 20_000

    response = _post_update(client, team, "bomb.png", bomb)

    assert response.status_code == 400
    assert "more than 40 megapixels (11000 × 11000)" in response.content.decode()
    assert not team.updates.exists()


def test_the_pixel_limit_is_a_setting(team, client, media, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1000

    response = _post_update(client, team, "site.jpg", jpeg_with_gps((40, 30)))

    assert response.status_code == 400
    assert "more than 0.001 megapixels (40 × 30)" in response.content.decode()
    assert not team.updates.exists()
