"""A photo loses its location and every other piece of metadata before it is kept."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from continuum.intake import images
from continuum.intake.models import Tip
from continuum.intake.tests.helpers import CODE, jpeg_with_gps, tip_data, upload


def stored_image(tip):
    with tip.photo.open("rb") as handle:
        data = handle.read()
    return data, Image.open(io.BytesIO(data))


def test_the_test_photo_really_carries_gps():
    photo = Image.open(jpeg_with_gps())
    assert photo.getexif().get_ifd(0x8825)  # GPS IFD


@pytest.mark.django_db
def test_a_jpeg_with_gps_exif_is_stored_without_any_metadata(client):
    response = client.post(reverse("intake:tip"), {**tip_data(), "photo": jpeg_with_gps()})
    assert response.status_code == 200
    tip = Tip.objects.get(code=CODE.search(response.content.decode()).group(0))
    data, stored = stored_image(tip)
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0
    assert stored.getexif().get_ifd(0x8825) == {}
    assert "exif" not in stored.info
    assert "icc_profile" not in stored.info
    assert "xmp" not in stored.info
    assert b"Exif" not in data
    assert b"CanaryPhone" not in data
    # The orientation was applied to the pixels: 64x32 turned a quarter is 32x64.
    assert stored.size == (32, 64)
    # Never the sender's file name.
    assert "IMG_2024_home" not in tip.photo.name
    assert tip.photo.name.startswith("tips/")
    assert tip.photo.name.endswith(".jpg")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_lose_their_metadata(fmt):
    from PIL import PngImagePlugin

    source = Image.new("RGBA", (20, 20), (10, 200, 10, 128))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CanaryPhone"
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "CanaryPhone at home")
        source.save(out, format=fmt, exif=exif, pnginfo=info)
    else:
        source.save(out, format=fmt, exif=exif)
    out.seek(0)
    clean = images.strip_metadata(out)
    assert b"CanaryPhone" not in clean.content
    reopened = Image.open(io.BytesIO(clean.content))
    assert reopened.format == fmt
    assert len(reopened.getexif()) == 0
    assert reopened.mode == "RGBA"


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_clearly_and_nothing_is_saved(client, settings):
    data = tip_data(what_happened="Typed with care, and kept after the error.")
    data["photo"] = upload(b"%PDF-1.4 this is not a picture", "report.jpg")
    response = client.post(reverse("intake:tip"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not read this file as a photo. Please send a JPEG, PNG or WebP image." in html
    assert "Typed with care, and kept after the error." in html
    assert not CODE.search(html.split("<main", 1)[1].split("It looks like")[0])
    assert Tip.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_the_refusal_is_in_spanish_for_a_spanish_visitor(client):
    data = {**tip_data(), "photo": upload(b"GIF89a not really", "x.gif")}
    response = client.post(reverse("intake:tip") + "?lang=es", data)
    assert "No pudimos leer este archivo como una foto." in response.content.decode()


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    out.seek(0)
    with pytest.raises(images.ImageRefused):
        images.strip_metadata(out)


def test_a_file_over_8_mib_is_refused_before_it_is_opened():
    with pytest.raises(images.ImageRefused, match="8 MB"):
        images.strip_metadata(io.BytesIO(b"\xff" * (images.MAX_BYTES + 1)))
    with pytest.raises(images.ImageRefused, match="8 MB"):
        images.strip_metadata(io.BytesIO(b""), size=images.MAX_BYTES + 1)


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    out = io.BytesIO()
    Image.new("L", (20, 20)).save(out, format="PNG")
    out.seek(0)
    with pytest.raises(images.ImageRefused, match="too large"):
        images.strip_metadata(out)


def test_pillows_own_bomb_guard_is_a_refusal_too(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)
    out = io.BytesIO()
    Image.new("L", (20, 20)).save(out, format="PNG")
    out.seek(0)
    with pytest.raises(images.ImageRefused, match="too large"):
        images.strip_metadata(out)


def test_a_truncated_jpeg_is_refused():
    data = jpeg_with_gps(size=(400, 400)).getvalue()
    with pytest.raises(images.ImageRefused):
        images.strip_metadata(io.BytesIO(data[: len(data) // 2]))


def test_a_palette_png_is_kept_as_plain_pixels():
    out = io.BytesIO()
    Image.new("P", (8, 8), 3).save(out, format="PNG")
    out.seek(0)
    clean = images.strip_metadata(out)
    assert Image.open(io.BytesIO(clean.content)).mode == "RGB"
