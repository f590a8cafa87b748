"""Interviews from Word: a .docx read by mammoth and split into blocks, before anything is saved.

`read_word_document(file)` checks the file (size, a real .docx, no zip bomb, no XML tricks), converts it
with mammoth and returns an `ImportedDocument`: a title if the document has one, the blocks in order,
and the images, each already through `images.processing.validate_image`. Nothing touches the database.
"""

import io
import logging
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field

import mammoth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import gettext as _

from images.processing import validate_image
from richtext.sanitize import sanitize_html

from .models import Article, ArticleBlock

logger = logging.getLogger(__name__)

Kind = ArticleBlock.Kind
# Word's own quote styles (and LibreOffice's); the document title and subtitle become the article's.
STYLE_MAP = """
p[style-name='Title'] => h1.document-title:fresh
p[style-name='Subtitle'] => p.document-subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Quotations'] => blockquote > p:fresh
"""
QUESTION_MARK = re.compile(r"^\s*(?:[-–]|Q:|Savol:|Вопрос:)\s*", re.IGNORECASE)
MARKER_IN_HTML = re.compile(r"^(<p>(?:<[^>]+>)*)\s*(?:[-–]|Q:|Savol:|Вопрос:)\s*", re.IGNORECASE)
HEADINGS = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .doc (and .xls, .ppt)
IMAGE_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


@dataclass
class ImportedBlock:
    kind: str
    body: str = ""
    image: SimpleUploadedFile | None = None
    image_alt: str = ""


@dataclass
class ImportedDocument:
    title: str = ""
    subtitle: str = ""
    blocks: list[ImportedBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def language(self):
        """ "ru" for a text mostly in Cyrillic, else the site's default (Uzbek is written in Latin)."""
        text = " ".join(block.body for block in self.blocks)
        cyrillic = len(re.findall(r"[а-яёА-ЯЁ]", text))
        latin = len(re.findall(r"[a-zA-Z]", re.sub(r"<[^>]*>", "", text)))
        return "ru" if cyrillic > latin else Article._meta.get_field("language").default


def read_word_document(file):
    """The blocks of an uploaded .docx; raises ValidationError with a message an editor can act on."""
    data = read_upload(file)
    check_package(data)
    images = []
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            convert_image=mammoth.images.img_element(lambda image: collect_image(image, images)),
        )
        root = ET.fromstring(f"<root>{result.value}</root>")
    except Exception as exc:  # mammoth and zipfile raise many types for a damaged file
        logger.warning("A Word document could not be read: %r", exc, exc_info=True)
        raise ValidationError(
            _("The document is damaged and cannot be read. Open it in Word, save it again and retry."),
            code="docx_corrupt",
        ) from exc
    document = split_into_blocks(root, images)
    if not document.blocks:
        raise ValidationError(_("The document has no text to import."), code="docx_empty")
    return document


def read_upload(file):
    limit = settings.WORD_IMPORT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)d MB); the limit is %(limit)d MB."),
            code="docx_too_large",
            params={"size": file.size // 2**20, "limit": limit // 2**20},
        )
    file.seek(0)
    return file.read(limit + 1)


def check_package(data):
    """Refuse anything that is not a plain .docx package of a sane unpacked size."""
    not_docx = ValidationError(
        _("This is not a Word document (.docx). Save it from Word as “Word Document (.docx)” and retry."),
        code="docx_invalid",
    )
    if data.startswith(OLE_MAGIC):
        raise ValidationError(
            _("This is an old Word file (.doc). Open it in Word and save it as .docx, then retry."),
            code="docx_old_format",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        # NotImplementedError: a damaged header claiming a zip version Python cannot read.
        raise not_docx from exc
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise not_docx
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > settings.WORD_IMPORT_MAX_PARTS or unpacked > settings.WORD_IMPORT_MAX_UNPACKED:
        raise ValidationError(
            _("This file unpacks to far more than a Word document would (%(size)d MB); it was refused."),
            code="docx_bomb",
            params={"size": unpacked // 2**20},
        )
    try:
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in archive.read(entry).upper():
                raise not_docx  # Word never writes a DOCTYPE; entity tricks need one
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ValidationError(
            _("The document is damaged and cannot be read. Open it in Word, save it again and retry."),
            code="docx_corrupt",
        ) from exc


def collect_image(image, images):
    """Keep the image's bytes and alt text; mammoth writes a placeholder into the HTML."""
    with image.open() as source:
        data = source.read(settings.IMAGE_MAX_BYTES + 1)
    images.append((data, image.content_type or "", image.alt_text or ""))
    return {"src": f"docx-image:{len(images) - 1}"}


def split_into_blocks(root, images):
    """Walk the top-level elements: questions start question blocks, what follows them answers."""
    document = ImportedDocument()
    builder = BlockBuilder(document)
    for element in root:
        tag = element.tag
        if tag == "h1" and element.get("class") == "document-title" and not document.title:
            document.title = plain_text(element)
        elif tag == "p" and element.get("class") == "document-subtitle" and not document.subtitle:
            document.subtitle = plain_text(element)
        elif tag == "h1" and not document.title and not document.blocks:
            document.title = plain_text(element)
        elif tag in HEADINGS:
            builder.heading(HEADINGS[tag], element)
        elif tag == "blockquote":
            builder.quote(element)
        elif tag in ("ul", "ol"):
            builder.flow(serialize(element))
        elif tag == "table":
            document.warnings.append(_("A table was turned into paragraphs: check its text."))
            for cell_paragraph in element.iter("p"):
                builder.paragraph(cell_paragraph)
        else:
            for image in list(element.iter("img")):
                builder.image(image, images)
            strip_images(element)
            if plain_text(element):
                builder.paragraph(element)
    return document


class BlockBuilder:
    """Appends to the document's blocks; knows whether paragraphs now answer a question."""

    def __init__(self, document):
        self.document = document
        self.answering = False
        self.open_block = None  # the text or answer block that the next paragraph continues

    def add(self, kind, body="", **extra):
        block = ImportedBlock(kind=kind, body=body, **extra)
        self.document.blocks.append(block)
        return block

    def heading(self, level, element):
        self.answering = False
        self.open_block = self.add(Kind.TEXT, f"<{level}>{inner_html(element)}</{level}>")

    def quote(self, element):
        self.open_block = None
        self.add(Kind.QUOTE, inner_html(element))

    def image(self, element, images):
        self.open_block = None
        index = int(element.get("src").rpartition(":")[2])  # "docx-image:<n>", written by collect_image
        data, content_type, alt = images[index]
        number = sum(1 for block in self.document.blocks if block.kind == Kind.IMAGE) + 1
        upload = SimpleUploadedFile(f"image{number}{IMAGE_EXTENSIONS.get(content_type, '')}", data)
        try:
            validate_image(upload)
        except ValidationError as error:
            self.document.warnings.append(
                _("Image %(number)d was left out: %(reason)s")
                % {"number": number, "reason": " ".join(error.messages)}
            )
            return
        self.add(Kind.IMAGE, image=upload, image_alt=(alt or element.get("alt", ""))[:250])

    def paragraph(self, element):
        if is_question(element):
            question = question_html(element)
            previous = self.document.blocks[-1] if self.document.blocks else None
            if previous is not None and previous.kind == Kind.QUESTION and previous is self.open_block:
                previous.body += question  # a question of two paragraphs
            else:
                self.open_block = self.add(Kind.QUESTION, question)
            self.answering = True
            return
        self.flow(serialize(element))

    def flow(self, html):
        """Running text: it continues the open answer (or text) block, or starts one."""
        kind = Kind.ANSWER if self.answering else Kind.TEXT
        if self.open_block is not None and self.open_block.kind == kind:
            self.open_block.body += html
        else:
            self.open_block = self.add(kind, html)


def is_question(element):
    text = plain_text(element)
    if QUESTION_MARK.match(text):
        return True
    bold = "".join("".join(strong.itertext()) for strong in element.iter("strong"))
    return bool(text) and re.sub(r"\s", "", bold) == re.sub(r"\s", "", text)


def question_html(element):
    """The question's paragraph without its marker ("Q:", a dash) and without the bold that marked it."""
    html = serialize(element)
    if not QUESTION_MARK.match(plain_text(element)):
        html = re.sub(r"</?(?:strong|b)>", "", html)  # bold was the marker: the block kind says it now
    return MARKER_IN_HTML.sub(r"\1", html, count=1)


def strip_images(element):
    """Take the images (already made blocks) out of a paragraph, keeping the text around them."""
    for parent in element.iter():
        for child in list(parent):
            if child.tag == "img":
                if child.tail:
                    previous = list(parent).index(child) - 1
                    if previous >= 0:
                        parent[previous].tail = (parent[previous].tail or "") + child.tail
                    else:
                        parent.text = (parent.text or "") + child.tail
                parent.remove(child)


def plain_text(element):
    return " ".join("".join(element.itertext()).split())


def serialize(element):
    return sanitize_html(ET.tostring(element, encoding="unicode", method="html"))


def inner_html(element):
    parts = [escape(element.text or "")]
    parts += [ET.tostring(child, encoding="unicode", method="html") for child in element]
    return sanitize_html("".join(parts))
