"""Member photos are stored without the EXIF the camera wrote (GPS position above all), upright,
and a broken photo is a form error that keeps what was typed."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from portal.image_factories import jpeg_with_gps, png_bomb, truncated_jpeg

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post_photo(client, member, name: str, content: bytes):
    client.force_login(member.user)
    return client.post(
        f"/en/network/members/{member.pk}/edit/",
        {"display_name": "Typed name", "country": "fi", "photo": SimpleUploadedFile(name, content)},
    )


def test_a_photo_is_stored_without_its_gps_position_or_camera(client, finn, media):
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(GPS_IFD)  # it has one

    _post_photo(client, finn, "holiday.jpg", jpeg_with_gps())

    finn.refresh_from_db()
    stored = finn.photo.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert not image.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_a_turned_photo_is_stored_upright(client, finn, media):
    # orientation 6: the camera was turned; viewers rotate it 90° to show it upright
    _post_photo(client, finn, "turned.jpg", jpeg_with_gps((64, 48), orientation=6))

    finn.refresh_from_db()
    with Image.open(finn.photo) as image:
        assert image.size == (48, 64)
        assert 0x0112 not in image.getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.jpg", truncated_jpeg(), "damaged or incomplete"),
        ("bomb.png", png_bomb(), "more than 12 megapixels (11000 × 11000)"),
    ],
)
def test_a_broken_or_oversize_photo_is_a_form_error(client, finn, media, name, content, message):
    response = _post_photo(client, finn, name, content)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Typed name"' in html
    finn.refresh_from_db()
    assert not finn.photo
    assert not list(media.rglob("*.*"))
