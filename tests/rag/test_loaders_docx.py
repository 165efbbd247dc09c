"""Word files as offices make them: auto-numbering rebuilt from numbering.xml, tables in reading order, zip bombs."""

from __future__ import annotations

import pytest

from rag import docx_reader
from rag.errors import DocumentReadError
from rag.loaders import load_bytes, load_document
from rag.parsing import parse_document
from tests.rag.helpers.documents import (
    PLAN_NUMBERING,
    PLAN_STYLES,
    bomb_docx,
    docx_package,
    docx_paragraph,
    docx_table,
    lvl,
    plain_text,
    plan_docx,
)

pytestmark = pytest.mark.unit

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def numbered(text: str, num_id: int, ilvl: int = 0, style: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return docx_paragraph(text, f'{style_xml}<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def numbering(abstracts: dict[int, str], nums: dict[int, str]) -> str:
    """numbering.xml from abstractNum id → levels XML and numId → inner XML (abstractNumId + overrides)."""
    body = "".join(f'<w:abstractNum w:abstractNumId="{a}">{levels}</w:abstractNum>' for a, levels in abstracts.items())
    body += "".join(f'<w:num w:numId="{n}">{inner}</w:num>' for n, inner in nums.items())
    return f"<w:numbering {W}>{body}</w:numbering>"


def abstract(a: int) -> str:
    return f'<w:abstractNumId w:val="{a}"/>'


def lines(body: str, numbering_xml: str | None = None, styles: str | None = None) -> list[str]:
    return load_bytes("t.docx", docx_package(body, numbering_xml, styles)).split("\n")


def summary(text: str) -> tuple[tuple[str | None, ...], list[str]]:
    """Metadata and headings through the product's parse pipeline (normalise → sections → metadata)."""
    parsed = parse_document("d.txt", text.encode("utf-8"), doc_id="d")
    meta = parsed.meta
    return (meta.title, meta.number, meta.date, meta.issuer, meta.signer), [s.heading for s in parsed.root.walk()]


def test_office_plan_reads_like_its_text_version() -> None:
    """Header table + headings numbered through the Heading 1 style + items through w:numPr → the text version."""
    reference = plain_text()
    doc = load_document("ke-hoach.docx", plan_docx())
    assert doc.text == reference.rstrip("\n")
    assert doc.notes == [] and doc.ocr_pages == 0 and doc.fmt == ".docx"
    assert summary(doc.text) == summary(reference)
    meta, headings = summary(doc.text)
    assert meta == (
        "Kế hoạch tuyên truyền chuyển đổi số trên địa bàn tỉnh năm 2025",
        "145/KH-UBND",
        "2025-08-18",
        "Ủy ban nhân dân tỉnh Gia Lai",
        "Nguyễn Văn An",
    )
    expected = {"I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG TUYÊN TRUYỀN", "III. TỔ CHỨC THỰC HIỆN", "2. Yêu cầu"}
    assert expected <= set(headings)


def test_multilevel_labels_restart_on_higher_level() -> None:
    xml = numbering({1: lvl(0, "decimal", "%1.") + lvl(1, "decimal", "%1.%2.") + lvl(2, "lowerLetter", "%3)")},
                    {1: abstract(1)})
    body = "".join(numbered(t, 1, i) for t, i in [("A", 0), ("B", 1), ("C", 1), ("c1", 2), ("D", 0), ("E", 1),
                                                  ("e1", 2), ("e2", 2)])
    assert lines(body, xml) == ["1. A", "1.1. B", "1.2. C", "a) c1", "2. D", "2.1. E", "a) e1", "b) e2"]


def test_start_values_and_formats() -> None:
    xml = numbering(
        {1: lvl(0, "upperRoman", "%1.", start=4) + lvl(1, "upperLetter", "%2/") + lvl(2, "decimalZero", "%3."),
         2: lvl(0, "lowerRoman", "(%1)")},
        {1: abstract(1), 2: abstract(2)},
    )
    body = numbered("a", 1) + numbered("b", 1, 1) + numbered("c", 1, 2) + numbered("d", 1) + numbered("e", 2)
    body += numbered("f", 2)
    assert lines(body, xml) == ["IV. a", "A/ b", "01. c", "V. d", "(i) e", "(ii) f"]


def test_literal_text_in_the_level_text() -> None:
    xml = numbering({1: lvl(0, "decimal", "Điều %1.") + lvl(1, "decimal", "Khoản %2 -")}, {1: abstract(1)})
    body = numbered("Phạm vi", 1) + numbered("áp dụng", 1, 1) + numbered("Đối tượng", 1)
    assert lines(body, xml) == ["Điều 1. Phạm vi", "Khoản 1 - áp dụng", "Điều 2. Đối tượng"]


def test_lists_sharing_an_abstract_continue_and_start_override_restarts() -> None:
    xml = numbering(
        {1: lvl(0, "decimal", "%1.")},
        {1: abstract(1), 2: abstract(1),
         3: abstract(1) + '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'},
    )
    body = numbered("a", 1) + numbered("b", 2) + numbered("c", 3) + numbered("d", 3) + numbered("e", 1)
    assert lines(body, xml) == ["1. a", "2. b", "1. c", "2. d", "3. e"]


def test_level_override_replaces_the_level_definition() -> None:
    override = f'<w:lvlOverride w:ilvl="0">{lvl(0, "lowerLetter", "%1)", start=3)}</w:lvlOverride>'
    xml = numbering({1: lvl(0, "decimal", "%1.")}, {1: abstract(1) + override})
    assert lines(numbered("x", 1) + numbered("y", 1), xml) == ["c) x", "d) y"]


def test_lvl_restart_zero_never_restarts_and_legal_numbering() -> None:
    xml = numbering(
        {1: lvl(0, "upperRoman", "%1.") + lvl(1, "lowerLetter", "%2)", extra='<w:lvlRestart w:val="0"/>'),
         2: lvl(0, "upperRoman", "%1.") + lvl(1, "decimal", "%1.%2.", extra="<w:isLgl/>")},
        {1: abstract(1), 2: abstract(2)},
    )
    body = numbered("a", 1) + numbered("b", 1, 1) + numbered("c", 1) + numbered("d", 1, 1)
    body += numbered("e", 2) + numbered("f", 2, 1)
    assert lines(body, xml) == ["I. a", "a) b", "II. c", "b) d", "I. e", "1.1. f"]


def test_bullets_become_dashes_and_num_id_zero_removes_style_numbering() -> None:
    xml = PLAN_NUMBERING
    body = numbered("gạch đầu dòng", 2) + docx_paragraph("TIÊU ĐỀ", '<w:pStyle w:val="Heading1"/>')
    body += docx_paragraph("không đánh số", '<w:pStyle w:val="Heading1"/><w:numPr><w:numId w:val="0"/></w:numPr>')
    body += docx_paragraph("TIÊU ĐỀ HAI", '<w:pStyle w:val="Heading1"/>')
    assert lines(body, xml, PLAN_STYLES) == ["- gạch đầu dòng", "I. TIÊU ĐỀ", "không đánh số", "II. TIÊU ĐỀ HAI"]


def test_style_inherited_through_based_on() -> None:
    styles = PLAN_STYLES.replace(
        "</w:styles>",
        '<w:style w:type="paragraph" w:styleId="MyHeading"><w:basedOn w:val="Heading1"/></w:style></w:styles>',
    )
    style = '<w:pStyle w:val="MyHeading"/>'
    body = docx_paragraph("MỘT", style) + docx_paragraph("HAI", style)
    assert lines(body, PLAN_NUMBERING, styles) == ["I. MỘT", "II. HAI"]


def test_numbering_without_definitions_is_plain_text() -> None:
    assert lines(numbered("mục", 7)) == ["mục"]


def test_tables_merged_and_nested_cells_once_in_reading_order() -> None:
    p = docx_paragraph
    nested = docx_table([[p("n1"), p("n2")]])
    body = docx_table(
        [
            [p("A1") + p("A1b"), '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p("B1")],
            ['<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + p("A2"), p("B2") + nested, p("C2")],
            ["<w:tcPr><w:vMerge/></w:tcPr>" + p(""), p("B3"), p("C3")],
        ]
    )
    assert lines(body) == ["A1", "A1b", "B1", "A2", "B2", "n1", "n2", "C2", "B3", "C3"]


def test_runs_tabs_breaks_hidden_deleted_text_boxes_and_content_controls() -> None:
    para = (
        '<w:p><w:r><w:t>Số:</w:t><w:tab/><w:t xml:space="preserve"> 12/KH</w:t><w:br/><w:t>dòng hai</w:t></w:r>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẨN</w:t></w:r>'
        "<w:del><w:r><w:delText>XÓA</w:delText></w:r></w:del>"
        '<w:hyperlink><w:r><w:t xml:space="preserve"> liên kết</w:t></w:r></w:hyperlink>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>trong hộp</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r>'
        "</w:p>"
    )
    sdt = "<w:sdt><w:sdtContent>" + docx_paragraph("trong điều khiển") + "</w:sdtContent></w:sdt>"
    assert lines(para + sdt) == ["Số:\t 12/KH", "dòng hai liên kết", "trong hộp", "trong điều khiển"]


def test_zip_bomb_refused_before_inflating() -> None:
    data = bomb_docx(1024)  # document.xml inflates to 1 GiB
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("bom.docx", data)
    assert "zip bomb" in str(exc.value)
    assert "bom.docx" in exc.value.user_message and "quá lớn" in exc.value.user_message


def test_zip_bomb_with_a_lying_header_is_cut_at_the_declared_size() -> None:
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("bom.docx", bomb_docx(8, declared=1000))
    assert "bom.docx" in exc.value.user_message


def test_total_inflated_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_TOTAL_BYTES", 500)
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("ke-hoach.docx", plan_docx())
    assert "quá lớn" in exc.value.user_message


@pytest.mark.parametrize("member", ["word/document.xml", "word/numbering.xml"])
def test_malformed_xml_is_a_read_error(member: str) -> None:
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(plan_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, b"<w:broken" if info.filename == member else src.read(info))
    with pytest.raises(DocumentReadError) as exc:
        load_bytes("x.docx", buf.getvalue())
    assert "x.docx" in exc.value.user_message


def test_entities_are_not_expanded() -> None:
    import io
    import zipfile

    data = docx_package(docx_paragraph("an toàn"))
    src = zipfile.ZipFile(io.BytesIO(data))
    evil = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&x;an toàn</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, evil if info.filename == "word/document.xml" else src.read(info))
    assert load_bytes("x.docx", buf.getvalue()) == "an toàn"


def test_word_template_list_styles() -> None:
    """python-docx's default template is Word's: List Number / List Bullet carry numbering through the style."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("KẾ HOẠCH", 1)
    for text in ("Mục đích", "Yêu cầu"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("gạch đầu dòng", style="List Bullet")
    buf = io.BytesIO()
    document.save(buf)
    assert load_bytes("mau.docx", buf.getvalue()) == "KẾ HOẠCH\n1. Mục đích\n2. Yêu cầu\n- gạch đầu dòng"


NUM_1 = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'


@pytest.mark.parametrize(
    "ppr, levels",
    [
        ('<w:numPr><w:ilvl w:val="abc"/><w:numId w:val="1"/></w:numPr>', lvl(0, "decimal", "%1.")),
        ('<w:numPr><w:ilvl w:val="12"/><w:numId w:val="1"/></w:numPr>', lvl(0, "decimal", "%1.")),
        ('<w:numPr><w:ilvl w:val="-3"/><w:numId w:val="1"/></w:numPr>', lvl(0, "decimal", "%1.")),
        ('<w:numPr><w:ilvl w:val="0"/></w:numPr>', lvl(0, "decimal", "%1.")),
        ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', lvl(0, "decimal", "%9.%3")),
        ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', lvl(0, "upperRoman", "%1.", start=-2)),
        ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', lvl(0, "lowerLetter", "%1)", start=0)),
        ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', lvl(0, "vietnameseCounting", "%1.")),
        (NUM_1, '<w:lvl w:ilvl="zz"><w:start w:val="x"/></w:lvl>'),
    ],
)
def test_odd_numbering_never_fails(ppr: str, levels: str) -> None:
    xml = numbering({1: levels}, {1: abstract(1)})
    got = lines(docx_paragraph("nội dung", ppr) + docx_paragraph("nội dung", ppr), xml)
    assert len(got) == 2 and all(line.endswith("nội dung") for line in got)
