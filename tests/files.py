"""Small real files of each kind a village uploads, made in memory."""

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(name="现场照片.jpg", size=(640, 480)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="截图.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 90, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="台账.pdf"):
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def xlsx(name="名册.xlsx"):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "网格"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name="方案.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def executable_as_jpeg(name="照片.jpg"):
    content = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def windows_program_as_pdf(name="通知.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 300, content_type="application/pdf")


def zip_bomb_docx(name="炸弹.docx", entries=3, size=64 * 1024 * 1024):
    """A .docx whose entries inflate to `size` zeros each: small on the wire, huge unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(entries):
            archive.writestr(f"word/media/zeros{number}.bin", b"\x00" * size)
    return SimpleUploadedFile(name, buffer.getvalue())


def huge_png(name="巨图.png", side=12000):
    """A few hundred KB of PNG that decodes to side × side pixels."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_with_script(name="报告.pdf"):
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def jpeg_with_trailer(name="现场照片.jpg", taken="2024:05:06 07:08:09", orientation=None):
    """A phone photo with its capture time and GPS place, carrying a web page after its end."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (64, 32), (20, 120, 60))
    exif = Image.Exif()
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    exif.get_ifd(0x8825)[0x0001] = "N"
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(buffer, "JPEG", exif=exif)
    trailer = b"<html><script>alert(1)</script><?php system($_GET['c']); ?></html>"
    return SimpleUploadedFile(name, buffer.getvalue() + trailer, content_type="image/jpeg")


def png_with_trailer(name="截图.png"):
    return SimpleUploadedFile(name, png().read() + b"<?php echo 1; ?>", content_type="image/png")


def phone_photo(name="现场.jpg", size=(4000, 3000), taken="2024:05:06 07:08:09", orientation=6):
    """A full-size phone photo taken on its side, with its capture time and GPS place; noisy,
    so that it weighs what a photo weighs."""
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 64).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = taken
    exif.get_ifd(0x8825)[0x0001] = "N"
    image.save(buffer, "JPEG", exif=exif, quality=92)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
