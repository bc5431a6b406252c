"""Uploaded logo/signature images: checked by content, refused in Dutch, scaled for print.

Every input is generated here; no binary fixtures.
"""

import ast
import io
import pickle
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from docassemble.psobrief import images
from docassemble.psobrief.images import ImageInfo, ImageProblem, check_image, print_ready, print_ready_file

RENDER = Path(images.__file__).with_name("render.py")
LOGO_BOX = images.box_pixels("logo")
SIGNATURE_BOX = images.box_pixels("signature")

# Words that must never reach an end user: exception names, library names, paths.
FORBIDDEN = (
    "Error",
    "error",
    "Exception",
    "Warning",
    "PIL",
    "Pillow",
    "Traceback",
    "BytesIO",
    "0x",
    "/",
    "\\",
    "<",
    ">",
    "None",
)


# --- generators ------------------------------------------------------------------------


def encode(image, fmt, **params):
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def noise(size, seed=1):
    """An RGB image of random pixels: compresses badly, like a detailed photo."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))


def small_png():
    return encode(noise((120, 80)), "PNG")


def small_jpeg():
    return encode(noise((120, 80)), "JPEG", quality=90)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width=20_000, height=20_000):
    """A valid 1-bit PNG of width x height white pixels, written by hand (~50 kB).

    The rows are streamed through zlib, so building it needs neither the decoded
    image (50 MB at 1 bit, 1.2 GB as RGB) nor much time.
    """
    compressor = zlib.compressobj(9)
    row = b"\0" + b"\xff" * ((width + 7) // 8)  # filter byte "none" + the packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        images._PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width, height):
    """A small real JPEG whose frame header is patched to claim width x height."""
    data = bytearray(small_jpeg())
    position = data.index(b"\xff\xc0")
    data[position + 5 : position + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_dutch_for_users(problem):
    message = str(problem)
    assert message.startswith(("Dit ", "Deze ")), message
    assert message.endswith("."), message
    for word in FORBIDDEN:
        assert word not in message, (word, message)
    assert type(problem).__name__ not in message
    assert problem.__cause__ is None or type(problem.__cause__).__name__ not in message


# --- accepted --------------------------------------------------------------------------


def test_small_png_and_jpeg_are_accepted():
    assert check_image(small_png()) == ImageInfo("PNG", 120, 80)
    assert check_image(small_jpeg()) == ImageInfo("JPEG", 120, 80)
    assert check_image(bytearray(small_png())).format == "PNG"


def test_content_decides_not_a_name_and_every_mode_is_accepted():
    for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        assert check_image(encode(Image.new(mode, (30, 20)), "PNG")).format == "PNG", mode
    for mode in ("L", "RGB", "CMYK"):
        assert check_image(encode(Image.new(mode, (30, 20)), "JPEG")).format == "JPEG", mode
    progressive = encode(noise((200, 100)), "JPEG", progressive=True)
    assert check_image(progressive) == ImageInfo("JPEG", 200, 100)


def test_multi_frame_files_are_accepted_first_frame_used():
    frames = [Image.new("RGB", (40, 20), colour) for colour in ("red", "blue")]
    apng = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    mpo = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(mpo)).format == "MPO"  # Pillow's name for a camera multi-JPEG
    assert check_image(apng) == ImageInfo("PNG", 40, 20)
    assert check_image(mpo) == ImageInfo("JPEG", 40, 20)
    data, extension = print_ready(mpo, "logo")
    assert extension == "jpg"
    red, _, blue = opened(data).getpixel((20, 10))
    assert red > 200 and blue < 60


# --- refused ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>Logo</title></head><body><img src='logo.png'></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">'
    b'<rect width="100" height="40"/></svg>'
)

REFUSED = {
    "pdf": (PDF, "format", ["PDF", "PNG", "JPG", "Kies"]),
    "html": (HTML, "format", ["geen", "PNG", "JPG", "Kies"]),
    "html with inline svg": (HTML.replace(b"<img", b"<svg"), "format", ["geen", "PNG"]),
    "svg": (SVG, "format", ["SVG", "PNG", "JPG", "opnieuw"]),
    "svg without xml declaration": (SVG.split(b"\n", 1)[1], "format", ["SVG"]),
    "gif": (
        encode(Image.new("P", (20, 20)), "GIF"),
        "format",
        ["GIF-afbeelding", "Sla de afbeelding op als PNG of JPG"],
    ),
    "bmp": (encode(Image.new("RGB", (20, 20)), "BMP"), "format", ["BMP-afbeelding"]),
    "webp": (encode(Image.new("RGB", (20, 20)), "WEBP"), "format", ["WebP"]),
    "tiff": (encode(Image.new("RGB", (20, 20)), "TIFF"), "format", ["TIFF"]),
    "heic header": (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(100), "format", ["HEIC"]),
    "empty": (b"", "empty", ["leeg", "Kies een PNG- of JPG-bestand"]),
    "random bytes": (random.Random(7).randbytes(5000), "format", ["geen PNG- of JPG-afbeelding"]),
    "text named logo.png": (b"Dit is mijn logo\n", "format", ["geen"]),
    "truncated png": (small_png()[: len(small_png()) // 2], "damaged", ["beschadigd", "niet compleet"]),
    "truncated jpeg": (small_jpeg()[: len(small_jpeg()) // 2], "damaged", ["beschadigd"]),
    "png without its end chunk": (small_png()[:-12], "damaged", ["beschadigd"]),
    "jpeg without end marker": (small_jpeg()[:-2], "damaged", ["beschadigd"]),
    "png signature only": (images._PNG_SIGNATURE, "damaged", ["beschadigd"]),
    "jpeg start then random": (
        b"\xff\xd8\xff" + random.Random(8).randbytes(3000) + b"\xff\xd9",
        "damaged",
        ["beschadigd"],
    ),
    "png with bad checksum": (small_png()[:29] + b"\0\0\0\0" + small_png()[33:], "damaged", ["beschadigd"]),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_a_dutch_message(name):
    content, code, words = REFUSED[name]
    with pytest.raises(ImageProblem) as caught:
        check_image(content)
    assert caught.value.code == code
    if code == "format":  # every wrong kind of file: say which kinds are right
        assert "PNG" in str(caught.value) and "JPG" in str(caught.value)
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))
    assert_dutch_for_users(caught.value)
    with pytest.raises(ImageProblem):
        print_ready(content, "logo")


def test_messages_are_the_documented_sentences():
    def message(content):
        with pytest.raises(ImageProblem) as caught:
            check_image(content)
        return str(caught.value)

    assert message(HTML) == "Dit bestand is geen PNG- of JPG-afbeelding. Kies een PNG- of JPG-bestand."
    assert message(small_png()[:200]) == (
        "Deze afbeelding is beschadigd of niet compleet. Sla hem opnieuw op en kies hem nog eens."
    )
    assert message(bomb_png()) == (
        "Deze afbeelding is te groot: 20.000 x 20.000 pixels. "
        "Het maximum is 50 miljoen pixels; verklein de afbeelding."
    )
    assert message(images._PNG_SIGNATURE + bytes(31 * images.MEGABYTE - 8)) == (
        "Dit bestand is 31 MB. Het maximum is 20 MB. Verklein de afbeelding en kies hem opnieuw."
    )


def test_too_many_bytes_refused_before_decoding():
    just_over = images._JPEG_SIGNATURE + bytes(images.MAX_BYTES)
    with pytest.raises(ImageProblem) as caught:
        check_image(just_over)
    assert caught.value.code == "bytes"
    assert "Dit bestand is 20,1 MB. Het maximum is 20 MB." in str(caught.value)  # not "20 MB ... 20 MB"
    assert_dutch_for_users(caught.value)


def test_decompression_bomb_png_refused_fast():
    bomb = bomb_png()
    assert len(bomb) < 200_000  # tiny on disk ...
    assert struct.unpack(">II", bomb[16:24]) == (20_000, 20_000)  # ... 400 million pixels inside

    with pytest.raises(ImageProblem) as caught:
        check_image(bomb)
    with pytest.raises(ImageProblem):
        print_ready(bomb, "logo")
    assert caught.value.code == "pixels"
    assert "20.000 x 20.000 pixels" in str(caught.value)
    assert_dutch_for_users(caught.value)


def test_pixel_limit_is_our_own_below_pillows_bomb_limits():
    assert images.MAX_PIXELS < Image.MAX_IMAGE_PIXELS
    # 8000 x 8000 = 64 million: Pillow alone would decode it (with only a warning)
    with pytest.raises(ImageProblem) as caught:
        check_image(bomb_png(8000, 8000))
    assert "8.000 x 8.000 pixels" in str(caught.value)
    assert check_image(bomb_png(7000, 7000)) == ImageInfo("PNG", 7000, 7000)  # 49 million: fine


def test_jpeg_claiming_a_huge_size_refused_fast():
    with pytest.raises(ImageProblem) as caught:
        check_image(jpeg_claiming(60_000, 60_000))
    assert "60.000 x 60.000 pixels" in str(caught.value)


def test_a_lower_pillow_limit_is_respected(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageProblem) as caught:
        check_image(small_png())
    assert str(caught.value).endswith("Het maximum is 1.000 pixels; verklein de afbeelding.")


def test_truncated_refused_even_if_pillow_is_told_to_accept_truncated(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    for content in (small_png()[: len(small_png()) // 2], small_jpeg()[: len(small_jpeg()) // 2]):
        with pytest.raises(ImageProblem, match="beschadigd"):
            check_image(content)


def test_only_image_problems_for_damaged_bytes():
    """Randomly damaged PNGs and JPEGs: accepted or ImageProblem, never another exception."""
    rng = random.Random(42)
    outcomes = set()
    for original in (small_png(), small_jpeg(), encode(noise((90, 60)), "JPEG", progressive=True)):
        for _ in range(150):
            data = bytearray(original)
            action = rng.choice(["change", "cut", "insert"])
            if action == "change":
                for _ in range(rng.randint(1, 8)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            elif action == "cut":
                data = data[: rng.randrange(len(data))]
            else:
                position = rng.randrange(len(data))
                data[position:position] = rng.randbytes(rng.randint(1, 64))
            for call in (check_image, lambda content: print_ready(content, "signature")):
                try:
                    call(bytes(data))
                    outcomes.add("accepted")
                except ImageProblem as problem:
                    assert_dutch_for_users(problem)
                    outcomes.add(problem.code)
    assert {"accepted", "damaged"} <= outcomes


def test_not_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        check_image("logo.png")
    with pytest.raises(ValueError) as caught:
        print_ready(small_png(), "stempel")
    assert not isinstance(caught.value, ImageProblem)


def test_image_problem_is_a_value_error_that_pickles():
    problem = ImageProblem("Dit bestand is leeg.", "empty")
    assert isinstance(problem, ValueError)
    copy = pickle.loads(pickle.dumps(problem))
    assert (str(copy), copy.code) == ("Dit bestand is leeg.", "empty")


# --- print-ready copies ----------------------------------------------------------------


def test_boxes_match_the_letter_template():
    assert images.IMAGE_BOX_MM == {"logo": (70, 20), "signature": (60, 18)}
    assert LOGO_BOX == (827, 236)  # 70 x 20 mm at 300 dpi
    assert SIGNATURE_BOX == (709, 213)  # 60 x 18 mm at 300 dpi
    # render.py either still defines the same numbers or imports them from images.py
    tree = ast.parse(RENDER.read_text(encoding="utf-8"))
    defined = [
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(getattr(target, "id", None) == "IMAGE_BOX_MM" for target in node.targets)
    ]
    imported = any(
        isinstance(node, ast.ImportFrom)
        and node.module in ("images", "psobrief.images", "docassemble.psobrief.images")
        and "IMAGE_BOX_MM" in {a.name for a in node.names}
        for node in ast.walk(tree)
    )
    assert imported or defined == [images.IMAGE_BOX_MM]


@pytest.fixture(scope="module")
def photo():
    """A ~14 MB 12-megapixel JPEG of noise: a worst-case phone photo."""
    return encode(noise((4000, 3000), seed=5), "JPEG", quality=95)


def test_big_photo_is_scaled_down_to_the_box(photo):
    assert 10 * images.MEGABYTE <= len(photo) <= images.MAX_BYTES
    assert check_image(photo) == ImageInfo("JPEG", 4000, 3000)
    data, extension = print_ready(photo, "logo")
    assert extension == "jpg"
    assert len(data) < 300_000
    result = opened(data)
    assert result.format == "JPEG" and result.mode == "RGB"
    assert result.size == (315, 236)  # 4:3 fitted to the height of 70 x 20 mm at 300 dpi
    assert round(result.info["dpi"][0]) == 300

    data, extension = print_ready(photo, "signature")
    assert opened(data).size == (284, 213)


def test_wide_logo_fills_the_width():
    data, extension = print_ready(encode(noise((3000, 300)), "PNG"), "logo")
    assert extension == "png"
    assert opened(data).size == (827, 83)


def test_small_image_is_not_scaled_up():
    for content, extension in ((encode(noise((100, 50)), "PNG"), "png"), (small_jpeg(), "jpg")):
        data, got = print_ready(content, "logo")
        assert got == extension
        info = check_image(content)
        assert opened(data).size == (info.width, info.height)


def test_exif_rotated_photo_comes_out_upright():
    stored = Image.new("RGB", (400, 200), "blue")
    stored.paste(Image.new("RGB", (200, 200), "red"), (0, 0))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to view": the left side becomes the top
    exif[0x013B] = "Geheime Fotograaf"  # Artist
    data, extension = print_ready(encode(stored, "JPEG", exif=exif, quality=95), "logo")
    result = opened(data)
    assert extension == "jpg"
    assert result.size == (118, 236)  # 200 x 400 upright, fitted to 236 high
    red, _, blue = result.getpixel((59, 20))
    assert red > 200 and blue < 60
    red, _, blue = result.getpixel((59, 215))
    assert blue > 200 and red < 60
    assert not result.getexif() and "exif" not in result.info


def test_exif_rotated_big_jpeg_decoded_at_reduced_scale_is_still_right():
    stored = noise((1200, 600)).resize((4000, 2000))
    exif = Image.Exif()
    exif[0x0112] = 8
    data, _ = print_ready(encode(stored, "JPEG", exif=exif), "signature")
    assert opened(data).size == (106, 213)


def test_metadata_is_dropped():
    exif = Image.Exif()
    exif[0x013B] = "Geheime Fotograaf"  # Artist
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Geheime Ontwerper")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for fmt in ("JPEG", "PNG"):
        for extra in ({}, {"icc_profile": srgb}, {"pnginfo": text} if fmt == "PNG" else {}):
            source = encode(noise((60, 40)), fmt, exif=exif, **extra)
            assert b"Geheime" in source
            data, _ = print_ready(source, "logo")
            result = opened(data)
            assert b"Geheime" not in data
            assert not result.getexif()
            assert "icc_profile" not in result.info and "exif" not in result.info
            assert round(result.info["dpi"][0]) == 300


def test_broken_colour_profile_does_not_matter():
    source = encode(Image.new("RGB", (60, 40), (200, 20, 20)), "JPEG", icc_profile=b"not a profile" * 20)
    data, extension = print_ready(source, "logo")
    assert extension == "jpg"
    assert opened(data).getpixel((30, 20))[0] > 180


def test_cmyk_jpeg_becomes_rgb():
    source = encode(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG")  # red in CMYK
    assert Image.open(io.BytesIO(source)).mode == "CMYK"
    data, extension = print_ready(source, "logo")
    result = opened(data)
    assert extension == "jpg" and result.mode == "RGB"
    red, green, blue = result.getpixel((50, 50))
    assert red > 200 and green < 60 and blue < 60


def test_palette_png_with_transparency_becomes_rgba_png():
    image = Image.new("P", (100, 60), 0)
    image.putpalette([255, 255, 255, 0, 0, 255] + [0] * 762)
    image.paste(1, (50, 0, 100, 60))  # right half blue, left half transparent
    data, extension = print_ready(encode(image, "PNG", transparency=0), "logo")
    result = opened(data)
    assert extension == "png" and result.format == "PNG" and result.mode == "RGBA"
    assert result.size == (100, 60)
    assert result.getpixel((10, 30))[3] == 0
    assert result.getpixel((90, 30)) == (0, 0, 255, 255)


def test_transparent_png_stays_png_and_is_scaled():
    image = Image.new("RGBA", (2000, 1000), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (1000, 1000), (0, 128, 0, 255)), (1000, 0))
    data, extension = print_ready(encode(image, "PNG"), "signature")
    result = opened(data)
    assert extension == "png" and result.mode == "RGBA"
    assert result.size == (426, 213)
    assert result.getpixel((20, 100))[3] == 0
    assert result.getpixel((400, 100)) == (0, 128, 0, 255)


def test_opaque_png_modes_become_plain_png():
    opaque_rgba = encode(Image.new("RGBA", (40, 20), (10, 20, 30, 255)), "PNG")
    data, extension = print_ready(opaque_rgba, "logo")
    assert (extension, opened(data).mode) == ("png", "RGB")  # an unused alpha channel is dropped
    # (a new "LA" image is fully transparent, so it keeps an alpha channel)
    for mode, expected in (("1", "L"), ("P", "RGB"), ("LA", "RGBA"), ("L", "L")):
        data, extension = print_ready(encode(Image.new(mode, (40, 20)), "PNG"), "logo")
        assert (extension, opened(data).mode) == ("png", expected), mode


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    image = Image.new("I;16", (40, 20), 32768)  # mid grey (paste(32768) would silently give 0)
    data, _ = print_ready(encode(image, "PNG"), "logo")
    result = opened(data)
    assert result.mode == "L"
    assert 120 <= result.getpixel((20, 10)) <= 136  # Pillow's convert("L") would give 255


# --- print_ready_file ------------------------------------------------------------------


def test_print_ready_file_writes_once_and_reuses(tmp_path, photo, monkeypatch):
    source = tmp_path / "foto van mij.png.jpg"
    source.write_bytes(photo)
    out_dir = tmp_path / "print"
    first = print_ready_file(source, "logo", out_dir)
    assert first.parent == out_dir and first.suffix == ".jpg" and first.name.startswith("logo-")
    assert opened(first.read_bytes()).size == (315, 236)
    written = first.stat().st_mtime_ns

    monkeypatch.setattr(images, "print_ready", lambda *args: pytest.fail("the copy is made again"))
    assert print_ready_file(str(source), "logo", str(out_dir)) == first
    assert first.stat().st_mtime_ns == written
    assert sorted(path.name for path in out_dir.iterdir()) == [first.name]  # no temporary files left
    monkeypatch.undo()

    other = print_ready_file(source, "signature", out_dir)
    assert other != first and other.name.startswith("signature-")
    copy = tmp_path / "kopie.jpg"
    copy.write_bytes(photo)
    assert print_ready_file(copy, "logo", out_dir) == first  # same content, same copy


def test_print_ready_file_refuses_without_writing(tmp_path):
    out_dir = tmp_path / "print"
    pdf = tmp_path / "logo.png"
    pdf.write_bytes(PDF)
    with pytest.raises(ImageProblem, match="PDF"):
        print_ready_file(pdf, "logo", out_dir)
    huge = tmp_path / "groot.jpg"
    with huge.open("wb") as stream:
        stream.truncate(images.MAX_BYTES + 1)  # sparse: refused by its size, never read
    with pytest.raises(ImageProblem) as caught:
        print_ready_file(huge, "logo", out_dir)
    assert caught.value.code == "bytes"
    assert not out_dir.exists() or not any(out_dir.iterdir())
