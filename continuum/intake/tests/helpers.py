"""Small makers shared by the intake tests."""

import io
import re

from PIL import ExifTags, Image

CODE = re.compile(r"TIP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
GPS_LATITUDE = (41.0, 45.0, 30.5)
GPS_LONGITUDE = (72.0, 40.0, 12.25)


def tip_data(**overrides):
    data = {
        "what_happened": "A man drives three young women to the motel on Route 9 every night.",
        "where": "Route 9 motel, Middletown",
        "when_text": "every weekend",
        "trafficking_kind": "sex",
        "victim_age_group": "not_sure",
        "contact": "",
    }
    data.update(overrides)
    return data


def jpeg_with_gps(size=(64, 32), orientation=6, name="IMG_2024_home.jpg"):
    """A JPEG with GPS coordinates, a camera make and an orientation, as a phone would write it."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanaryPhone"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    out.name = name
    out.seek(0)
    return out


def upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
