"""articles.word_import: how a Word document is split into blocks, and what it refuses."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.word_import import read_word_document
from tests.factories import make_docx, png_bytes


def read(items, **kwargs):
    return read_word_document(SimpleUploadedFile("interview.docx", make_docx(items, **kwargs)))


def kinds(document):
    return [block.kind for block in document.blocks]


def refusal(data, name="interview.docx"):
    with pytest.raises(ValidationError) as error:
        read_word_document(SimpleUploadedFile(name, data))
    return error.value


@pytest.mark.parametrize(
    "question",
    ["Why now?", "- Why now?", "– Why now?", "Q: Why now?", "Savol: Nega hozir?", "Вопрос: Почему сейчас?"],
)
def test_a_marked_paragraph_is_a_question_and_the_next_ones_its_answer(question):
    kind = "b" if question == "Why now?" else "p"
    document = read([(kind, question), ("p", "Because."), ("p", "And because.")])
    assert kinds(document) == ["question", "answer"]
    assert document.blocks[1].body == "<p>Because.</p><p>And because.</p>"


@pytest.mark.parametrize("marked", ["- Why now?", "Q: Why now?", "Вопрос: Why now?"])
def test_the_question_marker_is_removed_from_the_text(marked):
    assert read([("p", marked), ("p", "Because.")]).blocks[0].body == "<p>Why now?</p>"


def test_the_bold_that_marked_a_question_is_not_kept():
    assert read([("b", "Why now?"), ("p", "Because.")]).blocks[0].body == "<p>Why now?</p>"


def test_paragraphs_before_the_first_question_are_text_and_a_bold_word_is_not_a_question():
    document = read([("p", "An introduction."), ("p", "Plain words."), ("b", "Why?"), ("p", "Answer.")])
    assert kinds(document) == ["text", "question", "answer"]
    assert document.blocks[0].body == "<p>An introduction.</p><p>Plain words.</p>"


def test_two_question_paragraphs_in_a_row_are_one_question():
    document = read([("b", "First part,"), ("b", "second part?"), ("p", "Answer.")])
    assert kinds(document) == ["question", "answer"]
    assert document.blocks[0].body == "<p>First part,</p><p>second part?</p>"


def test_headings_and_quotes_keep_their_kinds_and_the_title_becomes_the_articles():
    document = read(
        [("title", "Borders that connect"), ("h1", "Part one"), ("quote", "Water is peace."), ("b", "Q?")]
    )
    assert document.title == "Borders that connect"
    assert kinds(document) == ["text", "quote", "question"]
    assert document.blocks[0].body == "<h2>Part one</h2>"
    assert document.blocks[1].body == "<p>Water is peace.</p>"


def test_a_first_heading_is_the_title_when_the_document_has_no_title_style():
    assert read([("h1", "The interview"), ("b", "Q?"), ("p", "A.")]).title == "The interview"


def test_lists_stay_lists_inside_the_answer():
    document = read(
        [("b", "What matters?"), ("p", "Three things:"), ("bullet", "water"), ("number", "roads")]
    )
    assert kinds(document) == ["question", "answer"]
    assert document.blocks[1].body == "<p>Three things:</p><ul><li>water</li></ul><ol><li>roads</li></ol>"


def test_an_image_becomes_an_image_block_with_its_description_and_the_answer_goes_on_after_it():
    document = read([("b", "Q?"), ("p", "Look:"), ("img", png_bytes(), "The dam"), ("p", "More answer.")])
    assert kinds(document) == ["question", "answer", "image", "answer"]
    image = document.blocks[2]
    assert image.image_alt == "The dam" and image.image.read().startswith(b"\x89PNG")


def test_an_image_that_fails_the_image_checks_is_left_out_with_a_warning():
    document = read([("b", "Q?"), ("img", b"not an image at all", "Broken"), ("p", "Answer.")])
    assert kinds(document) == ["question", "answer"]
    assert document.warnings and "Image 1" in document.warnings[0]


def test_an_image_too_large_for_the_image_checks_is_left_out(settings):
    settings.IMAGE_MAX_SIDE = 20
    document = read([("b", "Q?"), ("img", png_bytes((40, 30)), "Too wide"), ("p", "Answer.")])
    assert kinds(document) == ["question", "answer"] and "20" in document.warnings[0]


def test_scripts_and_javascript_links_never_survive_the_import():
    document = read([("b", "Q?"), ("p", "<script>alert(1)</script> javascript:alert(1)")])
    assert "<script" not in document.blocks[1].body


def test_a_russian_interview_is_recognised_as_russian():
    assert read([("b", "Вопрос?"), ("p", "Ответ на вопрос.")]).language == "ru"
    assert read([("b", "Savol?"), ("p", "Javob.")]).language == "uz"


def test_a_file_that_is_not_a_word_document_gets_a_clear_error():
    assert refusal(b"%PDF-1.7 definitely a pdf").code == "docx_invalid"


def test_an_old_doc_file_is_told_to_be_saved_as_docx():
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old.doc").code == "docx_old_format"


def test_a_zip_without_a_word_document_inside_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert refusal(out.getvalue()).code == "docx_invalid"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.WORD_IMPORT_MAX_UNPACKED = 1024 * 1024
    bomb = make_docx([("p", "x")], extra_parts={"word/media/huge.bin": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 100_000  # small on the wire, three megabytes unpacked
    assert refusal(bomb).code == "docx_bomb"


def test_a_document_with_too_many_parts_is_refused(settings):
    settings.WORD_IMPORT_MAX_PARTS = 10
    parts = {f"word/extra{n}.xml": "<x/>" for n in range(20)}
    assert refusal(make_docx([("p", "x")], extra_parts=parts)).code == "docx_bomb"


def test_a_huge_file_is_refused_by_its_size(settings):
    settings.WORD_IMPORT_MAX_BYTES = 1024
    error = refusal(make_docx([("p", "x" * 5000)]) + b"\0" * 2048)
    assert error.code == "docx_too_large"


def test_a_truncated_document_gets_a_clear_error():
    data = make_docx([("p", "Some text.") for _ in range(50)])
    with pytest.raises(ValidationError) as error:
        read_word_document(SimpleUploadedFile("cut.docx", data[: len(data) // 2]))
    assert error.value.code in ("docx_invalid", "docx_corrupt")


def test_a_document_whose_xml_is_broken_gets_a_clear_error():
    data = make_docx([("p", "x")], extra_parts={})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "word/document.xml":
                content = content[: len(content) // 2]
            target.writestr(entry, content)
    assert refusal(out.getvalue()).code == "docx_corrupt"


def test_entity_tricks_in_the_xml_are_refused():
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><w:document/>'
    data = make_docx([("p", "x")])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = laughs if entry.filename == "word/document.xml" else source.read(entry)
            target.writestr(entry, content)
    assert refusal(out.getvalue()).code == "docx_invalid"


def test_a_document_without_text_is_refused():
    assert refusal(make_docx([])).code == "docx_empty"
