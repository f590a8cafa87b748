"""Word documents written by the tests: the few OOXML parts Word itself writes, zipped by hand.

`make_docx([("title", "…"), ("b", "A bold question?"), ("p", "An answer."), ("img", png, "alt")])`
Kinds: p (plain), b (bold), title, h1, h2, quote, bullet, number (list items), img (bytes, alt text).
"""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
STYLES = {"title": "Title", "h1": "Heading1", "h2": "Heading2", "quote": "Quote"}
STYLE_NAMES = {"Title": "Title", "Heading1": "heading 1", "Heading2": "heading 2", "Quote": "Quote"}
LISTS = {"bullet": 1, "number": 2}

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Default Extension="jpeg" ContentType="image/jpeg"/>
<Default Extension="emf" ContentType="image/x-emf"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>"""

PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG}">
<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>
</Relationships>"""

NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def styles_xml():
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/></w:style>'
        for sid, name in STYLE_NAMES.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">{styles}</w:styles>'
    )


def run(text, *, bold=False):
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def drawing(rel_id, alt, number):
    return (
        f'<w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/>'
        f'<wp:docPr id="{number}" name="Picture {number}" descr={quoteattr(alt)}/>'
        f'<a:graphic><a:graphicData uri="{PIC}"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="p.png"/>'
        f'<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rel_id}"/></pic:blipFill>'
        f"<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def paragraph(kind, content):
    props = ""
    if kind in STYLES:
        props = f'<w:pPr><w:pStyle w:val="{STYLES[kind]}"/></w:pPr>'
    elif kind in LISTS:
        props = f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{LISTS[kind]}"/></w:numPr></w:pPr>'
    return f"<w:p>{props}{content}</w:p>"


def make_docx(items, *, extra_parts=None):
    """The bytes of a .docx holding `items` in order (see the module docstring)."""
    body, rels, media = [], [], {}
    for n, item in enumerate(items, start=1):
        kind = item[0]
        if kind == "img":
            data, alt = item[1], item[2]
            extension = item[3] if len(item) > 3 else "png"
            name = f"media/image{n}.{extension}"
            media[f"word/{name}"] = data
            rels.append(f'<Relationship Id="rIdImg{n}" Type="{R}/image" Target="{name}"/>')
            body.append(paragraph("p", drawing(f"rIdImg{n}", alt, n)))
        else:
            body.append(paragraph(kind, run(item[1], bold=kind == "b")))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    document_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rIdStyles" Type="{R}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rIdNumbering" Type="{R}/numbering" Target="numbering.xml"/>'
        f"{''.join(rels)}</Relationships>"
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": document_rels,
        "word/styles.xml": styles_xml(),
        "word/numbering.xml": NUMBERING,
        **media,
        **(extra_parts or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()
