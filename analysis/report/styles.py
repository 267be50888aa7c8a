"""Chinese report typography for python-docx: A4 page, fonts on every run, bordered tables, captions.

Every run this module writes carries its fonts explicitly (``w:rFonts`` with ``w:ascii``, ``w:hAnsi``,
``w:eastAsia`` and ``w:cs``): Word picks the East Asian font for Chinese characters from ``w:eastAsia`` only,
so a run with just a Latin font shows Chinese in whatever the reader's default is. Body text is 宋体 (SimSun),
headings and captions 黑体 (SimHei), Latin text and digits Times New Roman.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)
MARGIN = Cm(2.5)
TEXT_WIDTH_CM = 16.0
"""The text width of an A4 page with 2.5 cm margins: no table or picture is wider."""
MAX_PICTURE_HEIGHT_CM = 21.0
"""Pictures are shrunk to this height so that one fits on a page (24.7 cm of text height) with its caption."""

BODY_SIZE = Pt(12)        # 小四
TABLE_SIZE = Pt(10.5)     # 五号
CAPTION_SIZE = Pt(10.5)
HEADING_SIZES = {1: Pt(16), 2: Pt(14), 3: Pt(12)}   # 三号, 四号, 小四
HEADER_FILL = "D9D9D9"
SUBTOTAL_FILL = "F2F2F2"

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT}


# -- numbers -------------------------------------------------------------------------------------------------

def percent(numerator: int | float | Decimal, denominator: int | float | Decimal = 1) -> str:
    """A share as a percentage with 2 decimals, rounded half up: ``percent(412, 450)`` -> ``'91.56%'``.

    An empty denominator gives ``'—'``; the fraction is computed in decimal arithmetic from the counts, so
    ``1/8`` prints ``12.50%`` and ``0.91555`` prints ``91.56%``.
    """
    den = Decimal(str(denominator))
    if den == 0:
        return "—"
    value = Decimal(str(numerator)) * 100 / den
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def number(value: float | int | Decimal | None, places: int = 2) -> str:
    """A number with at most `places` decimals, no trailing zeros: 12, 3.5, 4.57; None gives ''."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- fonts ---------------------------------------------------------------------------------------------------

def set_fonts(rpr_parent, east_asian: str = BODY_FONT, latin: str = LATIN_FONT) -> None:
    """Set ascii/hAnsi/cs to `latin` and eastAsia to `east_asian` on a run or style (theme fonts removed)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def add_run(paragraph: Paragraph, text: str, *, font: str = BODY_FONT, size: Pt | None = None,
            bold: bool = False, italic: bool = False) -> Run:
    """Append a run with explicit fonts (East Asian and Latin), size and weight."""
    run = paragraph.add_run(text)
    set_fonts(run._element, font)
    if size is not None:
        run.font.size = size
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return run


# -- document setup ------------------------------------------------------------------------------------------

def setup_document(document: DocumentObject) -> None:
    """A4 portrait with 2.5 cm margins, and the styles used by the report given Chinese fonts."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = MARGIN
        section.header_distance = section.footer_distance = Cm(1.5)
    styles = document.styles
    normal = styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    for level, size in HEADING_SIZES.items():
        style = styles[f"Heading {level}"]
        set_fonts(style.element, HEADING_FONT)
        style.font.size = size
        style.font.bold = level == 1
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.space_before = Pt(12 if level == 1 else 9)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.25
        fmt.keep_with_next = True
    title = styles["Title"]
    set_fonts(title.element, HEADING_FONT)
    title.font.size = Pt(18)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _remove_border(title.element)
    caption = styles["Caption"]
    set_fonts(caption.element, HEADING_FONT)
    caption.font.size = CAPTION_SIZE
    caption.font.bold = False
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.line_spacing = 1.0
    grid = styles["Table Grid"]
    set_fonts(grid.element, BODY_FONT)
    grid.font.size = TABLE_SIZE


def _remove_border(style_element) -> None:
    ppr = style_element.find(qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def heading(document: DocumentObject, text: str, level: int) -> Paragraph:
    """A heading paragraph (Heading 1-3 style, 黑体, black) whose run carries its fonts too."""
    paragraph = document.add_paragraph(style=f"Heading {level}")
    add_run(paragraph, text, font=HEADING_FONT, size=HEADING_SIZES[level], bold=level == 1)
    return paragraph


def title(document: DocumentObject, text: str) -> Paragraph:
    paragraph = document.add_paragraph(style="Title")
    add_run(paragraph, text, font=HEADING_FONT, size=Pt(18), bold=True)
    return paragraph


def body(document: DocumentObject, text: str, *, indent: bool = True, size: Pt | None = None,
         align: str = "left") -> Paragraph:
    """A body paragraph (宋体 小四, first line indented two characters)."""
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)
    paragraph.alignment = ALIGN[align] if align != "left" else WD_ALIGN_PARAGRAPH.JUSTIFY
    add_run(paragraph, text, size=size or BODY_SIZE)
    return paragraph


def note(document: DocumentObject, text: str) -> Paragraph:
    """A small note under a table (五号, no indent), e.g. ``注：满意度＝……``."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(3)
    paragraph.paragraph_format.space_after = Pt(6)
    add_run(paragraph, text, size=Pt(9))
    return paragraph


def page_break(document: DocumentObject) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)


def page_number_footer(document: DocumentObject) -> None:
    """A centred page number field (“第 N 页”) in the footer of every section."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(paragraph, "第 ", size=Pt(9))
        _field(paragraph, "PAGE", "1", size=Pt(9), font=BODY_FONT)
        add_run(paragraph, " 页", size=Pt(9))


# -- captions ------------------------------------------------------------------------------------------------

def _field(paragraph: Paragraph, instruction: str, shown: str, *, size: Pt, font: str) -> None:
    """A Word field (begin / instruction / separate / cached result / end) showing `shown` until updated."""
    def fld(kind: str) -> None:
        run = add_run(paragraph, "", font=font, size=size)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._element.append(element)

    fld("begin")
    run = add_run(paragraph, "", font=font, size=size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._element.append(instr)
    fld("separate")
    add_run(paragraph, shown, font=font, size=size)
    fld("end")


def caption(document: DocumentObject, label: str, number: int, text: str) -> Paragraph:
    """A numbered caption such as ``表3 第4题（单选题）：……``.

    The number is a Word ``SEQ`` field (so Word renumbers when the evaluator moves tables around) whose
    shown value is `number`; the paragraph's text reads ``表3 第4题……``.
    """
    paragraph = document.add_paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = label == "表"
    if label == "图":
        paragraph.paragraph_format.space_after = Pt(9)
    add_run(paragraph, label, font=HEADING_FONT, size=CAPTION_SIZE)
    _field(paragraph, f"SEQ {label} \\* ARABIC", str(number), size=CAPTION_SIZE, font=HEADING_FONT)
    add_run(paragraph, f" {text}", font=HEADING_FONT, size=CAPTION_SIZE)
    return paragraph


# -- tables --------------------------------------------------------------------------------------------------

# Word refuses a file whose property elements are out of the schema's order, so each one is put in its place.
_TBL_PR_AFTER = {
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tblLayout": ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tblCellMar": ("w:tblLook", "w:tblCaption", "w:tblDescription"),
}
_TC_PR_AFTER = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _put_tbl_pr(table: Table, element) -> None:
    """Replace or insert a table property at its schema position."""
    tbl_pr = table._tbl.tblPr
    tag = element.tag
    for old in tbl_pr.findall(tag):
        tbl_pr.remove(old)
    name = "w:" + tag.split("}", 1)[1]
    tbl_pr.insert_element_before(element, *_TBL_PR_AFTER[name])


def _set_cell_margins(table: Table, left_cm: float = 0.12, right_cm: float = 0.12) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 0), ("left", left_cm), ("bottom", 0), ("right", right_cm)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(Cm(width).twips)) if width else "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _put_tbl_pr(table, margins)


def _set_borders(table: Table) -> None:
    """Single 0.5 pt black borders on every edge, explicit (not only through the Table Grid style)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    _put_tbl_pr(table, borders)


def _fixed_layout(table: Table, widths_cm: Sequence[float]) -> None:
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _put_tbl_pr(table, layout)
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.insert_element_before(width, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                     "w:tblLayout", "w:tblCellMar", "w:tblLook")
    width.set(qn("w:w"), str(int(Cm(sum(widths_cm)).twips)))
    width.set(qn("w:type"), "dxa")
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(w).twips)))


def new_table(document: DocumentObject, widths_cm: Sequence[float], header: Sequence[str] | None = None,
              ) -> Table:
    """A bordered, centred, fixed-width table; `header` (bold, shaded, repeated on every page) when given.

    Raises ValueError when the widths add up to more than the text width (16 cm).
    """
    total = sum(widths_cm)
    if total > TEXT_WIDTH_CM + 1e-6:
        raise ValueError(f"table columns add up to {total:.2f} cm, wider than the {TEXT_WIDTH_CM} cm text width")
    table = document.add_table(rows=0, cols=len(widths_cm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_borders(table)
    _fixed_layout(table, widths_cm)
    _set_cell_margins(table)
    table._report_widths = list(widths_cm)  # type: ignore[attr-defined]
    if header is not None:
        add_row(table, header, header=True)
    return table


def add_row(table: Table, cells: Sequence[str], *, header: bool = False, bold: bool = False,
            align: Sequence[str] | str | None = None, fill: str | None = None) -> list[_Cell]:
    """Append a row of texts; `align` per column (left/center/right) or one for all.

    Header rows are bold, centred, shaded and repeat at the top of every page the table runs onto.
    """
    row = table.add_row()
    widths = getattr(table, "_report_widths", None)
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        tr_pr.append(repeat)
    if isinstance(align, str) or align is None:
        align = [align or ("center" if header else "left")] * len(cells)
    out = []
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        if widths is not None:
            cell.width = Cm(widths[i])
        write_cell(cell, text, bold=header or bold, align="center" if header else align[i])
        if header or fill:
            shade(cell, HEADER_FILL if header else fill)
        out.append(cell)
    return out


def write_cell(cell: _Cell, text: str, *, bold: bool = False, align: str = "left") -> None:
    """Replace a cell's content by one paragraph of `text` (宋体 五号, single spacing, vertically centred)."""
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:  # merged cells bring their (empty) paragraphs along
        extra._element.getparent().remove(extra._element)
    for run in list(paragraph.runs):
        run._element.getparent().remove(run._element)
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = None
    paragraph.paragraph_format.space_before = Pt(1.5)
    paragraph.paragraph_format.space_after = Pt(1.5)
    add_run(paragraph, text, size=TABLE_SIZE, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shading, *_TC_PR_AFTER)


def merge(table: Table, top: int, left: int, bottom: int, right: int, text: str, *, bold: bool = False,
          align: str = "center", fill: str | None = None) -> _Cell:
    """Merge the cells from (top, left) to (bottom, right) into one holding `text`."""
    cell = table.cell(top, left)
    if (bottom, right) != (top, left):
        cell = cell.merge(table.cell(bottom, right))
    write_cell(cell, text, bold=bold, align=align)
    if fill:
        shade(cell, fill)
    return cell


def keep_tables_together(document: DocumentObject, max_rows: int = 15) -> None:
    """Ask Word not to break short tables across pages (each row keeps with the next; the last row not)."""
    for table in document.tables:
        rows = table.rows
        if len(rows) > max_rows:
            continue
        for row in list(rows)[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def picture(document: DocumentObject, path: str, width_cm: float) -> Paragraph:
    """A centred picture no wider than the text width and no taller than :data:`MAX_PICTURE_HEIGHT_CM`."""
    image = Image.from_file(str(path))
    pixels_wide, pixels_high = image.px_width, image.px_height
    width_cm = min(width_cm, TEXT_WIDTH_CM, MAX_PICTURE_HEIGHT_CM * pixels_wide / max(pixels_high, 1))
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)
    run = paragraph.add_run()
    set_fonts(run._element, BODY_FONT)
    run.add_picture(str(path), width=Cm(width_cm))
    return paragraph
