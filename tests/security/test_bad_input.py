"""Inputs and conditions that gave server errors, or kept what they should not: images people
upload (a decompression bomb, a truncated JPEG, a photo with its GPS position) and a mail
server that does not answer when someone signs up or signs in.

Outcomes only: no 5xx, no image stored with more pixels than a page can afford to decode, no
GPS position in what is stored, the account still made.
"""

from __future__ import annotations

import copy
import io
import socket

from django.test import Client

import pytest
from PIL import ExifTags, Image

pytestmark = pytest.mark.django_db

BOMB_SIDE = 11_000  # 121 megapixels, as the attacker sent


def _png_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _jpeg(*, gps: bool = False, size=(64, 48)) -> bytes:
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (60.0, 10.0, 12.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (24.0, 56.0, 30.0),
        }
        exif[ExifTags.Base.Make] = "ProbeCam"
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _upload(name: str, content: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _stored_pixels() -> list[int]:
    from wagtail.images import get_image_model

    return [image.width * image.height for image in get_image_model().objects.all()]


def _update_url(world) -> str:
    skate = world.objects["skate"]
    return f"/en/pb/probe-doing/projects/{skate.project_id}/implementation/update/"


def test_a_decompression_bomb_is_not_stored_as_a_progress_photo(world, media):
    """Finding 9: a 14 KB PNG of 121 megapixels (about 360 MB to decode on the first view)."""
    response = world.client("champion").post(
        _update_url(world),
        {
            "body": "Look at this.",
            "photo_alt": "A white square",
            "photo": _upload("bomb.png", _png_bomb(), "image/png"),
        },
    )

    assert response.status_code < 500
    assert all(pixels < BOMB_SIDE * BOMB_SIDE for pixels in _stored_pixels())


def test_a_decompression_bomb_is_not_stored_as_a_member_photo(world, media):
    member = world.members["member_fi"]
    response = world.client("member_fi").post(
        f"/en/network/members/{member.pk}/edit/",
        {
            "display_name": member.display_name,
            "visibility_contact": "members",
            "photo": _upload("bomb.png", _png_bomb(), "image/png"),
        },
    )

    assert response.status_code < 500
    member.refresh_from_db()
    if member.photo:
        with Image.open(member.photo.path) as stored:
            assert stored.width * stored.height < BOMB_SIDE * BOMB_SIDE


def test_a_truncated_jpeg_is_a_form_error_not_a_server_error(world, media):
    """Finding 8: a truncated JPEG as a progress-update photo answered 500 (OSError)."""
    from budgeting.implementation.models import ProgressUpdate

    truncated = _jpeg(size=(800, 600))[:600]
    before = ProgressUpdate.objects.count()

    response = world.client("champion").post(
        _update_url(world),
        {
            "body": "A photo of the ramps.",
            "photo_alt": "The ramps",
            "photo": _upload("ramps.jpg", truncated, "image/jpeg"),
        },
    )
    page = world.client("visitor").get(_update_url(world).removesuffix("update/"))

    assert response.status_code < 500
    assert page.status_code < 500
    assert ProgressUpdate.objects.filter(photo__isnull=False).count() == 0 or (
        ProgressUpdate.objects.count() == before
    )


def _has_gps(path) -> bool:
    with Image.open(path) as stored:
        exif = stored.getexif()
        return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or "ProbeCam" in str(dict(exif))


def test_member_photos_keep_no_gps_position(world, media):
    """Finding 9: EXIF GPS positions stayed in member photos."""
    member = world.members["member_fi"]

    response = world.client("member_fi").post(
        f"/en/network/members/{member.pk}/edit/",
        {
            "display_name": member.display_name,
            "visibility_contact": "members",
            "photo": _upload("me.jpg", _jpeg(gps=True), "image/jpeg"),
        },
    )

    assert response.status_code < 400, "the photo was not taken: the probe would be blind"
    member.refresh_from_db()
    assert member.photo, "the photo was not stored: the probe would be blind"
    assert not _has_gps(member.photo.path), "the stored photo still says where it was taken"


def test_progress_photos_keep_no_gps_position(world, media):
    from budgeting.implementation.models import ProgressUpdate

    response = world.client("champion").post(
        _update_url(world),
        {
            "body": "The site today.",
            "photo_alt": "The site",
            "photo": _upload("site.jpg", _jpeg(gps=True), "image/jpeg"),
        },
    )

    assert response.status_code < 400
    update = ProgressUpdate.objects.filter(photo__isnull=False).latest("pk")
    assert not _has_gps(update.photo.file.path), "the stored photo still says where it was taken"


# -- a mail server that does not answer


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    """The production mail settings (whatever wraps the SMTP mailer), with the SMTP server on a
    port of this machine where nothing listens."""
    from portal.settings import base

    port = _closed_port()
    mailers = copy.deepcopy(base.MAILERS)
    for mailer in mailers.values():
        if mailer["BACKEND"].endswith("smtp.EmailBackend"):
            mailer.setdefault("OPTIONS", {}).update(host="127.0.0.1", port=port, timeout=3)
    settings.MAILERS = mailers
    return port


def test_sign_up_while_the_mail_server_is_down(world, mail_server_down):
    """Finding 8: sign-up sends a confirmation e-mail; the mail server refusing answered 500."""
    from django.contrib.auth import get_user_model

    response = Client(raise_request_exception=False).post(
        "/en/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "username": "newcomer",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
            "display_name": "Newcomer",
            "country": "fi",
        },
    )

    assert response.status_code < 500
    assert get_user_model().objects.filter(email="newcomer@example.org").exists(), (
        "the sign-up was lost (or refused: the probe would be blind)"
    )


def test_sign_in_while_the_mail_server_is_down(world, mail_server_down):
    """Signing in with an unconfirmed address sends the confirmation again."""
    from network.factories import PASSWORD, MemberFactory, UserFactory

    MemberFactory(user=UserFactory(username="unconfirmed", verified=False))

    response = Client(raise_request_exception=False).post(
        "/en/accounts/login/", {"login": "unconfirmed", "password": PASSWORD}
    )

    assert response.status_code < 500


# -- SQLite under the production settings


def test_production_settings_do_not_serve_from_a_sqlite_that_locks(tmp_path):
    """Finding 8: under production settings on SQLite, 33 of 50 concurrent ballots answered
    500 "database is locked". Either the production settings refuse SQLite (a system check
    error), or SQLite waits for its turn (immediate transactions and a busy timeout)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "probe-" + "k" * 60,
        "ALLOWED_HOSTS": "kokeilu.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True
    )
    if check.returncode != 0:
        assert "Traceback" not in check.stderr, check.stderr[-2000:]
        return  # refused, with a message
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(shown.stdout.strip().splitlines()[-1])
    waits = str(options.get("transaction_mode", "")).upper() == "IMMEDIATE"
    assert waits and float(options.get("timeout", 0)) >= 5, (
        f"production settings accept SQLite as it is ({options}): writers will meet "
        '"database is locked"'
    )
