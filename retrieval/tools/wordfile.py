"""The Word files we hand out (study packs, audit reports): set up as a Chinese office document.

`new_document(title, subject)` gives a python-docx document on A4 paper with Chinese
fonts set for East Asian text (`w:eastAsia`: 宋体 for the body, 黑体 for headings and
the title; Times New Roman for Latin text), black headings, the document language
`zh-CN` (document defaults and every style), and our own core properties: title,
subject, author and last editor `政策文献引文问答`, created and modified now,
revision 1, language zh-CN (not python-docx's template values: author "python-docx",
created 2013). `docx_bytes(doc)` saves it; `set_fonts(run_or_style, east_asia)` sets
one run's or style's fonts. Every string written in should go through `xml_safe`.
"""
from __future__ import annotations

import datetime
import io
import re

from docx import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt, RGBColor

APP = "政策文献引文问答"
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
LANGUAGE = "zh-CN"
A4 = (Cm(21.0), Cm(29.7))
MARGINS = (Cm(2.54), Cm(3.17))            # top/bottom, left/right: Word's Chinese default
BODY_STYLES = ("Normal", "Quote", "List Number", "List Bullet", "Body Text", "Caption", "Table Grid")
HEADING_STYLES = {"Title": 20, "Heading 1": 15, "Heading 2": 13, "Heading 3": 12}
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot hold (control characters, U+FFFE,
    U+FFFF, lone surrogates): cleaning drops them from the corpus text too."""
    return NOT_XML.sub("", text)


def rpr(element):
    """The `w:rPr` of a style or run element (created if missing)."""
    return element.get_or_add_rPr()


def set_fonts(target, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Fonts of a run or a style: `east_asia` for Chinese text (`w:eastAsia`), `latin` for the rest;
    theme fonts, which would override them, removed."""
    target.font.name = latin
    fonts = rpr(target.element).get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def set_language(element, language: str = LANGUAGE) -> None:
    """`<w:lang w:val=… w:eastAsia=…>` in an `w:rPr`."""
    lang = element.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        element.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def document_defaults(doc) -> None:
    """The fonts and language every run inherits (`w:docDefaults`)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run_props.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_props.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", BODY_FONT)):
        fonts.set(qn(attr), name)
    set_language(run_props)


def chinese_styles(doc) -> None:
    for name in BODY_STYLES:
        if name in doc.styles:
            style = doc.styles[name]
            set_fonts(style, BODY_FONT)
            set_language(rpr(style.element))
    doc.styles["Normal"].font.size = Pt(12)
    for name, size in HEADING_STYLES.items():
        style = doc.styles[name]
        set_fonts(style, HEADING_FONT)
        set_language(rpr(style.element))
        style.font.size, style.font.bold = Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)


def a4(doc) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4
        section.top_margin = section.bottom_margin = MARGINS[0]
        section.left_margin = section.right_margin = MARGINS[1]


def core_properties(doc, title: str, subject: str, keywords: str = "") -> None:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.title, props.subject, props.keywords = xml_safe(title), xml_safe(subject), xml_safe(keywords)
    props.author = props.last_modified_by = APP
    props.comments = f"由{APP}生成；引文均为语料原文。"
    props.category, props.language = subject and xml_safe(subject), LANGUAGE
    props.created = props.modified = now
    props.revision = 1


def new_document(title: str, subject: str, keywords: str = ""):
    """An empty A4 document with Chinese fonts, language zh-CN and our core properties."""
    doc = Docx()
    a4(doc)
    document_defaults(doc)
    chinese_styles(doc)
    core_properties(doc, title, subject, keywords)
    return doc


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
