"""Checking and storing evidence files: the type is read from the content, never the name."""

import io
import uuid
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from pingan.errors import InvalidInput


@dataclass(frozen=True)
class AcceptedType:
    extension: str
    content_type: str
    label: str


ACCEPTED = {
    "jpg": AcceptedType("jpg", "image/jpeg", "JPEG 照片"),
    "png": AcceptedType("png", "image/png", "PNG 图片"),
    "webp": AcceptedType("webp", "image/webp", "WebP 图片"),
    "pdf": AcceptedType("pdf", "application/pdf", "PDF 文档"),
    "docx": AcceptedType(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word 文档",
    ),
    "xlsx": AcceptedType(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel 表格",
    ),
    "doc": AcceptedType("doc", "application/msword", "Word 97-2003 文档"),
    "xls": AcceptedType("xls", "application/vnd.ms-excel", "Excel 97-2003 表格"),
}
ACCEPTED_LABELS = "照片(JPEG/PNG/WebP)、PDF、Word、Excel"
THUMBNAIL_SIZE = (240, 240)


def _max_bytes():
    return settings.EVIDENCE_MAX_BYTES


def sniff(head, name):
    """The accepted type of a file from its first bytes, or None."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    extension = kind.extension
    if extension in ("doc", "xls"):
        # Both are OLE2 containers; the name decides which of the two it is, never whether
        # an OLE2 file is accepted.
        extension = "xls" if name.lower().endswith(".xls") else "doc"
    return ACCEPTED.get(extension)


# An Office file is a zip: its central directory says, before anything is inflated, how many
# entries it has and how large they claim to be.
ARCHIVE_MAX_ENTRIES = 5_000
ARCHIVE_MAX_RATIO = 100


def _check_archive(upload, accepted):
    if accepted.extension not in ("docx", "xlsx"):
        return
    damaged = f"文件“{upload.name}”已损坏，请重新保存后上传。"
    too_large = f"文件“{upload.name}”解压后过大，不能作为佐证材料。"
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            claimed = sum(info.file_size for info in entries)
            packed = sum(info.compress_size for info in entries) or 1
            if (
                len(entries) > ARCHIVE_MAX_ENTRIES
                or claimed > 10 * _max_bytes()
                or claimed / packed > ARCHIVE_MAX_RATIO
            ):
                raise InvalidInput(too_large)
            budget = 10 * _max_bytes()
            for info in entries:
                # Inflated in bounded pieces, never beyond what the directory claimed.
                with archive.open(info) as member:
                    read = 0
                    while piece := member.read(1 << 20):
                        read += len(piece)
                        budget -= len(piece)
                        if read > info.file_size or budget < 0:
                            raise InvalidInput(too_large)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise InvalidInput(damaged) from None


EXIF_IFD = 0x8769
EXIF_DATE_TIME_ORIGINAL = 0x9003
EXIF_DATE_TIME = 0x0132


def _captured_at(image):
    """When a phone took the photo, from its EXIF record, in the portal's time zone."""
    exif = image.getexif()
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATE_TIME_ORIGINAL) or exif.get(EXIF_DATE_TIME)
    try:
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(moment)


def _capture_exif(captured_at):
    """An EXIF record holding the capture time alone: the rest (place, device, maker notes,
    anything hidden there) is not kept."""
    exif = Image.Exif()
    if captured_at is not None:
        stamp = timezone.localtime(captured_at).strftime("%Y:%m:%d %H:%M:%S")
        exif[EXIF_DATE_TIME] = stamp
        exif.get_ifd(EXIF_IFD)[EXIF_DATE_TIME_ORIGINAL] = stamp
    return exif


# How each accepted image is written again: what is served is the decoded picture, never
# bytes that merely began as one (a trailer after the image data, a polyglot).
REENCODE = {
    "jpg": ("JPEG", {"quality": 90}, ("RGB", "L")),
    "png": ("PNG", {}, ("RGB", "RGBA", "L", "LA", "P", "I;16")),
    "webp": ("WEBP", {"quality": 90}, ("RGB", "RGBA")),
}


def _reencoded(image, accepted, captured_at):
    image_format, options, modes = REENCODE[accepted.extension]
    if image.mode not in modes:
        image = image.convert("RGBA" if "RGBA" in modes and "A" in image.mode else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, image_format, exif=_capture_exif(captured_at), **options)
    return buffer.getvalue()


def _too_many_pixels(name):
    return InvalidInput(
        f"图片“{name}”像素过多，"
        f"请缩小到 {settings.EVIDENCE_MAX_PIXELS // 1_000_000} 百万像素以内后上传。"
    )


EXIF_ORIENTATION = 0x0112


def _damaged_image(name):
    return InvalidInput(f"图片“{name}”无法识别或已损坏，请重新拍摄后上传。")


@contextmanager
def _image_of(file, name):
    """The image in `file`, refused in Chinese when it is damaged or has too many pixels (the
    header gives the size before a pixel is decoded), whatever the body of the block decodes."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns of a decompression bomb; here it is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.width * image.height > settings.EVIDENCE_MAX_PIXELS:
                    raise _too_many_pixels(name)
                yield image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise _damaged_image(name) from None


def _check_image_header(upload, accepted):
    """In the request, only what the header tells: the type and size, no pixel decoded."""
    if accepted.content_type.startswith("image/"):
        with _image_of(upload, upload.name):
            pass


def _upright(image):
    # exif_transpose copies the whole picture even when it turns nothing.
    if image.getexif().get(EXIF_ORIENTATION, 1) in (0, 1):
        return image
    return ImageOps.exif_transpose(image)


def process_photo(stored, name, extension):
    """A stored photo decoded in full, written again upright with its capture time alone, and
    thumbnailed: (content, thumbnail, captured_at). Run by the background worker."""
    accepted = ACCEPTED[extension]
    with _image_of(stored, name) as image:
        image.verify()
    with _image_of(stored, name) as image:
        captured_at = _captured_at(image)
        image = _upright(image)
        long_side = settings.EVIDENCE_PHOTO_LONG_SIDE
        if max(image.size) > long_side:
            image.thumbnail((long_side, long_side))
        content = _reencoded(image, accepted, captured_at)
        image.thumbnail(THUMBNAIL_SIZE)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=80)
    return content, buffer.getvalue(), captured_at


# A PDF that runs a script or launches a program is not evidence: refused rather than served.
# (Names inside compressed object streams are not seen; an opening view, /OpenAction alone,
# is ordinary and kept.)
PDF_ACTIVE_CONTENT = (b"/JavaScript", b"/Launch")


def _check_pdf(upload, accepted):
    if accepted.extension != "pdf":
        return
    upload.seek(0)
    content = upload.read()
    if any(marker in content for marker in PDF_ACTIVE_CONTENT):
        raise InvalidInput(
            f"PDF“{upload.name}”含有脚本或启动程序的动作，不能作为佐证材料；"
            "请用“打印为 PDF”重新生成后上传。"
        )


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    accepted: AcceptedType
    token: uuid.UUID

    @property
    def size(self):
        return self.upload.size

    @property
    def is_photo(self):
        """A photo is finished by the worker (process_photo) before it is served."""
        return self.accepted.content_type.startswith("image/")

    def file_content(self):
        self.upload.seek(0)
        return ContentFile(self.upload.read(), name=f"{self.token}.{self.accepted.extension}")


def check_upload(upload):
    """Refuse what is too large, empty, of another type than accepted, or damaged; a photo's
    pixels are left to the worker (process_photo)."""
    if upload is None:
        raise InvalidInput("请选择要上传的文件。")
    limit_mb = _max_bytes() // (1024 * 1024)
    if upload.size > _max_bytes():
        raise InvalidInput(f"文件“{upload.name}”超过 {limit_mb} MB，请压缩后再上传。")
    if upload.size == 0:
        raise InvalidInput(f"文件“{upload.name}”是空文件。")
    upload.seek(0)
    head = upload.read(8192)
    accepted = sniff(head, upload.name)
    if accepted is None:
        raise InvalidInput(
            f"文件“{upload.name}”的实际内容不是可接受的类型，只能上传{ACCEPTED_LABELS}。"
        )
    _check_archive(upload, accepted)
    _check_pdf(upload, accepted)
    _check_image_header(upload, accepted)
    return CheckedFile(upload=upload, accepted=accepted, token=uuid.uuid4())
