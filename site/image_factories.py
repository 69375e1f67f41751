"""Image files for tests of uploads, made with Pillow: plain ones, a photo that carries a GPS
position in its EXIF, a turned photo, a cut-off one, and a tiny PNG that claims huge pixels."""

from __future__ import annotations

import functools
import io

from PIL import Image

# Helsinki Cathedral, where the test photos were "taken"
GPS_LATITUDE = (60.0, 10.0, 2.0)
GPS_LONGITUDE = (24.0, 57.0, 8.0)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), **save_options) -> bytes:
    """A small image of `fmt` with some detail in it (so it does not compress to nothing)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def gps_exif(*, orientation: int | None = None) -> Image.Exif:
    """EXIF with a GPS position, a camera and a time taken (and an orientation, if given)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2025:06:01 12:00:00"  # DateTime
    if orientation is not None:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", GPS_LATITUDE
    gps[3], gps[4] = "E", GPS_LONGITUDE
    return exif


def jpeg_with_gps(size: tuple[int, int] = (64, 48), *, orientation: int | None = None) -> bytes:
    """A JPEG photo whose EXIF tells where it was taken."""
    return image_bytes("JPEG", size, exif=gps_exif(orientation=orientation))


def truncated_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A JPEG cut off halfway, as an interrupted upload leaves it: its header reads fine."""
    whole = image_bytes("JPEG", size, quality=95)
    return whole[: len(whole) // 2]


@functools.cache
def png_bomb(width: int = 11_000, height: int = 11_000) -> bytes:
    """A PNG of a few kilobytes that decodes to `width` × `height` pixels (121 megapixels by
    default: some 360 MB as RGB)."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()
