"""Check uploaded images (logo, signature) and make print-ready copies of them.

Users upload a logo and a signature, in the interview and through an answers file.
A file name says nothing about what is inside, so everything here decides by the
*content*: only real, complete PNG and JPEG images are accepted. A PDF, HTML page or
SVG renamed ``logo.png``, a truncated download, or a decompression bomb (a tiny file
that claims 20,000 x 20,000 pixels) is refused with an :class:`ImageProblem` whose
text is a Dutch sentence for the end user, before it can crash rendering later.

:func:`print_ready` then scales an accepted image down to the size it is printed at
in the letter (its box at :data:`PRINT_DPI`), applies the EXIF orientation and drops
all metadata, so a 15 MB phone photo does not end up in every letter unscaled.

Plain Python on top of Pillow; nothing here imports docassemble.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import struct
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from .fields import long_number

try:  # Pillow wheels ship LittleCMS; a source build may not have it.
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None  # type: ignore[assignment]

__all__ = [
    "IMAGE_BOX_MM",
    "JPEG_QUALITY",
    "MAX_BYTES",
    "MAX_PIXELS",
    "PRINT_DPI",
    "ImageInfo",
    "ImageProblem",
    "box_pixels",
    "check_image",
    "print_ready",
    "print_ready_file",
]

#: Largest size of the logo and the signature in the letter: (width, height) in mm.
#: render.py takes them from here, so there is one source.
IMAGE_BOX_MM: dict[str, tuple[int, int]] = {"logo": (70, 20), "signature": (60, 18)}

MEGABYTE = 1024 * 1024
#: Largest accepted file size in bytes (20 MB).
MAX_BYTES = 20 * MEGABYTE
#: Largest accepted width x height. 50 million pixels still admits a 50-megapixel
#: phone photo (8160 x 6120) but refuses decompression bombs long before decoding.
MAX_PIXELS = 50_000_000
#: Resolution the print-ready copy is made for: the box in mm at this many dots per inch.
PRINT_DPI = 300
#: JPEG quality of print-ready photos.
JPEG_QUALITY = 90

# Bump when print_ready() output changes, so print_ready_file() makes new copies.
_CACHE_VERSION = "1"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
# The end of a complete file: PNG's IEND chunk type, JPEG's end-of-image marker.
_END_MARKER = {"PNG": b"IEND", "JPEG": b"\xff\xd9"}
# JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other segments.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}

_CHOOSE = "Kies een PNG- of JPG-bestand."
_EMPTY = "Dit bestand is leeg. " + _CHOOSE
_NOT_AN_IMAGE = "Dit bestand is geen PNG- of JPG-afbeelding. " + _CHOOSE
_PDF = "Dit bestand is een PDF, geen afbeelding. " + _CHOOSE
_OTHER_IMAGE = (
    "Dit bestand is een {kind}-afbeelding, geen PNG- of JPG-afbeelding. "
    "Sla de afbeelding op als PNG of JPG en kies hem opnieuw."
)
_DAMAGED = "Deze afbeelding is beschadigd of niet compleet. Sla hem opnieuw op en kies hem nog eens."
_TOO_MANY_BYTES = (
    "Dit bestand is {size} MB. Het maximum is {limit} MB. Verklein de afbeelding en kies hem opnieuw."
)
_TOO_MANY_PIXELS = (
    "Deze afbeelding is te groot: {width} x {height} pixels. "
    "Het maximum is {limit} pixels; verklein de afbeelding."
)
_TOO_MANY_PIXELS_UNKNOWN = (
    "Deze afbeelding is te groot. Het maximum is {limit} pixels; verklein de afbeelding."
)


class ImageProblem(ValueError):
    """An uploaded image cannot be used.

    ``str()`` is a Dutch sentence for the end user saying what to do (no exception
    names, no paths). ``code`` is for programs: ``"empty"``, ``"format"``,
    ``"bytes"``, ``"pixels"`` or ``"damaged"``.
    """

    def __init__(self, message: str, code: str = "damaged"):
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return (type(self), (str(self), self.code))


@dataclass(frozen=True)
class ImageInfo:
    """What :func:`check_image` found: ``format`` is ``"PNG"`` or ``"JPEG"``.

    ``width`` and ``height`` are the stored pixel size, before any EXIF rotation.
    """

    format: str
    width: int
    height: int


def _dutch_pixels(number: int) -> str:
    """``50_000_000`` -> ``"50 miljoen"``; other numbers with thousands separators."""
    if number >= 1_000_000 and number % 1_000_000 == 0:
        return f"{long_number(number // 1_000_000)} miljoen"
    return long_number(number)


def _dutch_megabytes(size: int) -> str:
    """A byte count in MB for a message: ``"31"``; just over the limit ``"20,1"``, not ``"20"``."""
    if size >= MAX_BYTES + MEGABYTE or size % MEGABYTE == 0:
        return long_number(round(size / MEGABYTE))
    whole, tenth = divmod(math.ceil(size * 10 / MEGABYTE), 10)  # rounded up: above the limit
    return long_number(whole) + (f",{tenth}" if tenth else "")


def _pixel_limit() -> int:
    """MAX_PIXELS, or Pillow's own bomb limit if someone set that lower."""
    pillow = Image.MAX_IMAGE_PIXELS
    return min(MAX_PIXELS, pillow) if pillow else MAX_PIXELS


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ImageProblem:
    limit = _dutch_pixels(_pixel_limit())
    if width is None or height is None:
        return ImageProblem(_TOO_MANY_PIXELS_UNKNOWN.format(limit=limit), "pixels")
    message = _TOO_MANY_PIXELS.format(width=long_number(width), height=long_number(height), limit=limit)
    return ImageProblem(message, "pixels")


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageProblem(_DAMAGED, "damaged")
    if width * height > _pixel_limit():
        raise _too_many_pixels(width, height)


def _check_bytes(size: int) -> None:
    if size > MAX_BYTES:
        message = _TOO_MANY_BYTES.format(size=_dutch_megabytes(size), limit=_dutch_megabytes(MAX_BYTES))
        raise ImageProblem(message, "bytes")


def _sniff(data: bytes) -> str | None:
    """The kind of file by its first bytes: "PNG", "JPEG", another label, or None."""
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data.startswith(_JPEG_SIGNATURE):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "TIFF"
    if data[:2] == b"BM" and len(data) >= 18 and data[14] in (12, 40, 52, 56, 64, 108, 124):
        return "BMP"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    if b"%PDF-" in data[:1024]:  # PDF readers look for the header in the first 1024 bytes
        return "PDF"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) and b"<svg" in head:
        return "SVG"
    return None


def _header_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """Width and height read from the PNG/JPEG header without decoding, or None."""
    if kind == "PNG":
        if data[12:16] == b"IHDR" and len(data) >= 24:
            return struct.unpack(">II", data[16:24])
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame header
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def _open(content: bytes, box: tuple[int, int] | None = None) -> tuple[Image.Image, ImageInfo]:
    """Check ``content`` and decode it completely; the loaded image and its info.

    A JPEG is decoded with libjpeg's DCT scaling: at 1/8 size when ``box`` is None
    (only checking), else at the smallest of 1/8, 1/4, 1/2, 1/1 that still covers the
    size it gets in ``box``. Every byte of the compressed data is still read and
    checked; only the inverse DCT is done at the smaller size, which saves memory and
    time (Pillow's own load() would need 150 MB for a 50-megapixel photo).
    """
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"image content must be bytes, not {type(content).__name__}")
    data = bytes(content)
    if not data:
        raise ImageProblem(_EMPTY, "empty")
    kind = _sniff(data)
    if kind == "PDF":
        raise ImageProblem(_PDF, "format")
    if kind is None:
        raise ImageProblem(_NOT_AN_IMAGE, "format")
    if kind not in ("PNG", "JPEG"):
        raise ImageProblem(_OTHER_IMAGE.format(kind=kind), "format")
    _check_bytes(len(data))
    if data.rfind(_END_MARKER[kind]) == -1:
        # Cut off before the end. Pillow's load() notices this too, but only while
        # ImageFile.LOAD_TRUNCATED_IMAGES is False, a global any other module may set.
        raise ImageProblem(_DAMAGED, "damaged")
    size = _header_size(data, kind)
    if size is not None:
        _check_size(*size)
    try:
        image = Image.open(io.BytesIO(data), formats=[kind])
        # A JPEG with several pictures (cameras' MPO) opens as "MPO": still a JPEG.
        info = ImageInfo("PNG" if image.format == "PNG" else "JPEG", *image.size)
        _check_size(info.width, info.height)
        if info.format == "JPEG":
            image.draft(None, _decode_size(image, box) if box else (1, 1))
        image.load()  # decodes everything; truncated data raises OSError here
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(*(size or (None, None))) from None
    except MemoryError:
        raise
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, ...
        raise ImageProblem(_DAMAGED, "damaged") from error
    return image, info


def check_image(content: bytes) -> ImageInfo:
    """Check that ``content`` is a complete PNG or JPEG image that is not too large.

    Decides by content only (never by a file name). Refuses empty data, other formats
    (PDF, HTML, SVG, GIF, BMP, WebP, HEIC, ...), more than :data:`MAX_BYTES` bytes, more
    than :data:`MAX_PIXELS` pixels (read from the header, before decoding, so a
    decompression bomb costs neither time nor memory) and damaged or truncated data
    (all compressed data is decoded once; a JPEG at 1/8 scale, see :func:`_open`). An
    animated or multi-picture file is fine; its first picture is used.

    Raises :class:`ImageProblem` (a Dutch message for the end user) for any bytes that
    cannot be used, and nothing else (except :class:`TypeError` for a non-bytes value).
    """
    image, info = _open(content)
    image.close()
    return info


def box_pixels(role: str) -> tuple[int, int]:
    """The box of ``role`` ("logo" or "signature") in pixels at :data:`PRINT_DPI`."""
    try:
        width_mm, height_mm = IMAGE_BOX_MM[role]
    except KeyError:
        raise ValueError(f"unknown image role {role!r}; expected one of {sorted(IMAGE_BOX_MM)}") from None
    return round(width_mm / 25.4 * PRINT_DPI), round(height_mm / 25.4 * PRINT_DPI)


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit ``box``, aspect ratio kept."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    return (
        min(box[0], max(1, round(width * scale))),
        min(box[1], max(1, round(height * scale))),
    )


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8), 1 when absent or unreadable."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # noqa: BLE001 - malformed EXIF raises almost anything; it is optional
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _printable_mode(image: Image.Image) -> Image.Image:
    """The image in a mode that can be resized well: L, RGB, RGBA or CMYK."""
    mode = image.mode
    if mode.startswith("I") or mode == "F":
        # 16-bit greyscale PNG: convert("L") would clip everything above 255 to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if _has_transparency(image):
        return image if mode == "RGBA" else image.convert("RGBA")
    if mode in ("L", "RGB", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    return image.convert("RGB")  # P, YCbCr, LAB, HSV


@lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """CMYK/RGB(A) converted to sRGB using the embedded ICC profile where it works.

    Word and LibreOffice treat images without a profile as sRGB, and the copy drops
    the profile, so colours are converted now. Without a usable profile (or for
    greyscale) the plain Pillow conversion is used.
    """
    target = "RGBA" if image.mode == "RGBA" else "RGB"
    if image.mode == "L":
        return image
    converted = None
    if icc_profile and ImageCms is not None:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode=target)
        except Exception:  # noqa: BLE001 - broken or mismatched profile: plain conversion below
            converted = None
    if converted is not None:
        return converted
    return image if image.mode == target else image.convert(target)


def print_ready(content: bytes, role: str) -> tuple[bytes, str]:
    """A print-ready copy of an image for ``role`` ("logo" or "signature").

    Runs every check of :func:`check_image` (raises :class:`ImageProblem`), then:
    applies the EXIF orientation; scales down, never up, to fit the role's box
    (:data:`IMAGE_BOX_MM`) at :data:`PRINT_DPI`, keeping the aspect ratio; converts
    16-bit, bilevel, palette, CMYK (via its ICC profile if any) and other modes to
    L, RGB or RGBA in sRGB; drops all metadata (EXIF, ICC, text) and records 300 dpi.

    Returns ``(data, extension)``: ``"png"`` for an image with real transparency and
    for every PNG source (lossless for line art), ``"jpg"`` (quality
    :data:`JPEG_QUALITY`) for an opaque JPEG source.
    """
    box = box_pixels(role)
    image, info = _open(content, box)
    try:
        return _print_copy(image, info, box)
    except ImageProblem:
        raise
    except MemoryError:
        raise
    except Exception as error:
        raise ImageProblem(_DAMAGED, "damaged") from error
    finally:
        image.close()


def _decode_size(image: Image.Image, box: tuple[int, int]) -> tuple[int, int]:
    """The smallest size to decode a JPEG at for ``box``, in its stored orientation.

    Twice the size it gets in the box (as Pillow's thumbnail() does), so the final
    Lanczos step, not libjpeg's cruder DCT scaling, decides the quality.
    """
    turned = _orientation(image) in (5, 6, 7, 8)
    width, height = image.size
    if turned:
        height, width = _fit((height, width), box)
    else:
        width, height = _fit((width, height), box)
    return width * 2, height * 2


def _print_copy(image: Image.Image, info: ImageInfo, box: tuple[int, int]) -> tuple[bytes, str]:
    icc_profile = image.info.get("icc_profile")
    upright = image
    if _orientation(image) != 1:  # (exif_transpose would copy the image even for 1)
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # noqa: BLE001 - unreadable EXIF: keep the picture as stored
            upright = image
    work = _printable_mode(upright)
    target = _fit(work.size, box)
    if target != work.size:
        work = work.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    work = _to_srgb(work, icc_profile)
    if work.mode == "RGBA" and work.getextrema()[3][0] == 255:
        work = work.convert("RGB")  # alpha channel present but everything opaque
    work.info = {}
    out = io.BytesIO()
    if work.mode != "RGBA" and info.format == "JPEG":
        work.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(PRINT_DPI, PRINT_DPI))
        return out.getvalue(), "jpg"
    work.save(out, "PNG", optimize=True, dpi=(PRINT_DPI, PRINT_DPI))
    return out.getvalue(), "png"


def print_ready_file(path: str | os.PathLike[str], role: str, out_dir: str | os.PathLike[str]) -> Path:
    """Write the :func:`print_ready` copy of the image file at ``path`` into ``out_dir``.

    The file is named after a hash of the content, the role and the print settings
    (``logo-<hash>.png`` / ``.jpg``), so the same input gives the same path and an
    existing copy is reused, not rewritten. Raises :class:`ImageProblem` for an
    unusable image (nothing is written) and :class:`OSError` if ``path`` cannot be read.
    """
    box = box_pixels(role)
    source = Path(path)
    _check_bytes(source.stat().st_size)  # do not read a huge file into memory
    content = source.read_bytes()
    digest = hashlib.sha256(f"{_CACHE_VERSION}|{role}|{box}|{PRINT_DPI}|{JPEG_QUALITY}|".encode())
    digest.update(content)
    stem = f"{role}-{digest.hexdigest()[:24]}"
    folder = Path(out_dir)
    for extension in ("png", "jpg"):
        existing = folder / f"{stem}.{extension}"
        if existing.is_file():
            return existing
    data, extension = print_ready(content, role)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.{extension}"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
