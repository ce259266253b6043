"""Converting harvested tables: GBK/GB18030 text to UTF-8, and xlsx/xls sheets to CSV.
Pure file work: no database, no CKAN config; fixtures are made here at run time."""
from __future__ import annotations

import datetime
import io
import os
import zipfile

import pytest
import xlwt
from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.styles import Font

from ckanext.govshare.exchange import conversion
from ckanext.govshare.exchange.conversion import ConversionError

TABLE = "统一社会信用代码,单位名称,地址\n91350100M000100Y43,福州市数据管理局,\"鼓楼区, 湖东路\"\r\n"


def write(tmp_path, data: bytes, name: str = "table.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def leftovers(tmp_path) -> list[str]:
    return sorted(name for name in os.listdir(tmp_path) if name.endswith(".part"))


# --- detect_format ----------------------------------------------------------------------

@pytest.mark.parametrize("filename, declared, expected", [
    ("data.bin", "CSV", "csv"),
    ("data.bin", "XLSX", "xlsx"),
    ("data.bin", " xls ", "xls"),
    ("data.bin", ".tsv", "tsv"),
    ("data.bin", "text/csv", "csv"),
    ("data.bin", "text/csv; charset=gbk", "csv"),
    ("data.bin", "text/plain", "txt"),
    ("data.bin", "application/vnd.ms-excel", "xls"),
    ("data.bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "xlsx"),
    ("人口.XLSX", None, "xlsx"),
    ("人口.xlsx", "", "xlsx"),
    ("人口.csv", "CSV", "csv"),
    ("人口.xlsx", "CSV", "csv"),              # what the department declared wins
    ("人口.Txt", "application/octet-stream", "txt"),
    ("https://node.example/download/人口.tsv?v=2#top", None, "tsv"),
    (r"C:\导出\人口.xls", None, "xls"),
    ("人口.json", "JSON", None),
    ("人口.pdf", None, None),
    ("csv", None, None),
    ("archive.csv.zip", None, None),
    ("", None, None),
])
def test_detect_format(filename, declared, expected):
    assert conversion.detect_format(filename, declared) == expected


def test_format_sets():
    assert conversion.TEXT_FORMATS == {"csv", "tsv", "txt"}
    assert conversion.SHEET_FORMATS == {"xlsx", "xls"}


# --- to_utf8 ----------------------------------------------------------------------------

def test_gbk_table_becomes_utf8(tmp_path):
    path = write(tmp_path, TABLE.encode("gbk"))
    assert conversion.to_utf8(path) == "gb18030"
    assert read(path) == TABLE.encode("utf-8")   # line endings and quoting untouched
    assert leftovers(tmp_path) == []


def test_gb18030_only_characters_convert(tmp_path):
    text = "名称,备注\n𠀀字,㐀与€\n"      # four-byte GB18030, CJK extension A, euro sign
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    path = write(tmp_path, data)
    assert conversion.to_utf8(path) == "gb18030"
    assert read(path) == text.encode("utf-8")


def test_gb18030_bom_is_dropped(tmp_path):
    path = write(tmp_path, "\ufeff名称\n".encode("gb18030"))
    assert read(path).startswith(b"\x84\x31\x95\x33")
    assert conversion.to_utf8(path) == "gb18030"
    assert read(path) == "名称\n".encode("utf-8")


def test_utf8_file_is_left_alone(tmp_path):
    path = write(tmp_path, TABLE.encode("utf-8"))
    before = os.stat(path)
    assert conversion.to_utf8(path) is None
    assert read(path) == TABLE.encode("utf-8")
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("data", [b"", b"id,name\n1,ascii only\n"])
def test_empty_and_ascii_files_are_utf8(tmp_path, data):
    path = write(tmp_path, data)
    assert conversion.to_utf8(path) is None
    assert read(path) == data


def test_utf8_bom_is_stripped(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + TABLE.encode("utf-8"))
    os.chmod(path, 0o640)
    assert conversion.to_utf8(path) == "utf-8-sig"
    assert read(path) == TABLE.encode("utf-8")
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_only_a_bom(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf")
    assert conversion.to_utf8(path) == "utf-8-sig"
    assert read(path) == b""


def test_large_file_across_chunk_boundaries(tmp_path):
    # One ASCII byte first puts every two-byte character at an odd offset, so the 1 MiB
    # chunk boundaries (even) fall inside a character; the four-byte ones drift across too.
    row = "福州市,𠀀,123\n"
    text = "a" + row * (3 * conversion.CHUNK // len(row.encode("gb18030")) + 7)
    data = text.encode("gb18030")
    assert len(data) > 3 * conversion.CHUNK
    path = write(tmp_path, data)
    assert conversion.to_utf8(path) == "gb18030"
    assert read(path) == text.encode("utf-8")

    utf8 = text.encode("utf-8")
    same = write(tmp_path, utf8, "utf8.csv")
    assert conversion.to_utf8(same) is None
    assert read(same) == utf8


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7])
def test_every_split_of_a_character(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(conversion, "CHUNK", chunk)
    text = "x福𠀀州€y㐀\n" * 3
    path = write(tmp_path, text.encode("gb18030"))
    assert conversion.to_utf8(path) == "gb18030"
    assert read(path) == text.encode("utf-8")

    bom = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), "bom.csv")
    assert conversion.to_utf8(bom) == "utf-8-sig"
    assert read(bom) == text.encode("utf-8")


@pytest.mark.parametrize("data, offset", [
    (b"\x80\xff\xfe" * 100, 0),
    ("名称\n".encode("gbk") + b"\xff\xfe\x00", 5),
    ("名称\n".encode("gbk") + b"\x81\x30", 5),       # a truncated four-byte character
    (bytes(range(256)), 128),
])
@pytest.mark.parametrize("chunk", [None, 2])
def test_neither_utf8_nor_gb18030(tmp_path, monkeypatch, data, offset, chunk):
    if chunk:
        monkeypatch.setattr(conversion, "CHUNK", chunk)
    path = write(tmp_path, data)
    with pytest.raises(ConversionError) as caught:
        conversion.to_utf8(path)
    assert str(caught.value) == ("The file is neither UTF-8 nor GBK/GB18030 text: invalid "
                                 f"bytes at byte {offset}")
    assert read(path) == data
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("data, offset", [
    ("福州市数据管理局统计".encode("utf-8") + "中".encode("gbk") + b",1\n", 30),  # mixed
    (b"\xef\xbb\xbfid\n" + "福州".encode("gbk"), 6),                 # a BOM says UTF-8
])
def test_damaged_utf8_is_not_guessed_as_gb18030(tmp_path, data, offset):
    assert data.decode("gb18030")    # it would decode, but as garbled text
    path = write(tmp_path, data)
    with pytest.raises(ConversionError) as caught:
        conversion.to_utf8(path)
    assert str(caught.value) == ("The file is UTF-8 text with invalid bytes at byte "
                                 f"{offset}")
    assert read(path) == data


# --- sheet_to_csv -----------------------------------------------------------------------

HEADER = ["名称", "日期", "时间", "数量", "比例", "有效", "备注"]
ROWS = [
    ["福州市", datetime.date(2024, 6, 1), datetime.datetime(2024, 6, 1, 8, 30), 3.0, 0.25,
     True, None],
    ["厦门市", datetime.date(1999, 12, 31), datetime.datetime(2000, 1, 2, 23, 59, 59), 12,
     -1.5, False, "含,逗号\"引号\""],
]
EXPECTED_CSV = (
    "名称,日期,时间,数量,比例,有效,备注\r\n"
    "福州市,2024-06-01,2024-06-01T08:30:00,3,0.25,TRUE,\r\n"
    "厦门市,1999-12-31,2000-01-02T23:59:59,12,-1.5,FALSE,\"含,逗号\"\"引号\"\"\"\r\n"
)


def xlsx_bytes(rows, active_title: str | None = None) -> bytes:
    """The table on the first sheet, a note on a second; the dates formatted as dates.

    openpyxl writes 3.0 as <v>3</v>, which reads back as an int; Excel and other writers
    store whole floats as "3.0" or "1E+20" too, so D2 is patched to that form."""
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    for row in rows:
        sheet.append(row)
    for cell in ("B2", "B3"):
        if sheet[cell].value is not None:
            sheet[cell].number_format = "yyyy-mm-dd"
    other = book.create_sheet("说明")
    other.append(["not this sheet"])
    if active_title:
        sheet.title, other.title = "说明", active_title
        book.active = 1
    data = _save(book)
    if len(rows) > 1 and rows[1][3] == 3.0:
        data = patch_xlsx(data, '<c r="D2" t="n"><v>3</v></c>',
                          '<c r="D2" t="n"><v>3.0</v></c>')
    return data


def patch_xlsx(data: bytes, old: str, new: str, member="xl/worksheets/sheet1.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == member:
                assert old.encode() in content, content
                content = content.replace(old.encode(), new.encode())
            zout.writestr(item, content)
    return out.getvalue()


def xls_bytes(rows) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("数据")
    styles = {datetime.date: xlwt.easyxf(num_format_str="YYYY-MM-DD"),
              datetime.datetime: xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value, styles.get(type(value), xlwt.Style.default_style))
    book.add_sheet("说明").write(0, 0, "not this sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAKERS = {"xlsx": xlsx_bytes, "xls": xls_bytes}


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_sheet_to_csv(tmp_path, fmt):
    path = write(tmp_path, MAKERS[fmt]([HEADER] + ROWS), f"人口.{fmt}")
    out = str(tmp_path / "人口.csv")
    assert conversion.sheet_to_csv(path, fmt, out) == 3
    assert read(out).decode("utf-8") == EXPECTED_CSV
    assert leftovers(tmp_path) == []


def test_xlsx_fixture_has_a_whole_float():
    """The int-valued float case above is real: D2 reads back as the float 3.0."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes([HEADER] + ROWS)), read_only=True)
    value = list(book.active.iter_rows(values_only=True))[1][3]
    book.close()
    assert (value, type(value)) == (3.0, float)


def test_xlsx_numbers(tmp_path):
    book = Workbook()
    book.active.append([1.5, 7, 8, 9])
    data = patch_xlsx(_save(book), "<v>7</v>", "<v>1E+20</v>")
    data = patch_xlsx(data, "<v>8</v>", "<v>0.1</v>")
    data = patch_xlsx(data, "<v>9</v>", "<v>-0.0</v>")
    path = write(tmp_path, data, "n.xlsx")
    out = str(tmp_path / "n.csv")
    assert conversion.sheet_to_csv(path, "xlsx", out) == 1
    assert read(out) == b"1.5,100000000000000000000,0.1,0\r\n"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_content_decides_the_reader(tmp_path, fmt):
    """A temporary path without extension, and a workbook of the other kind."""
    other = "xls" if fmt == "xlsx" else "xlsx"
    path = write(tmp_path, MAKERS[other]([HEADER] + ROWS), "download")
    out = str(tmp_path / "out.csv")
    assert conversion.sheet_to_csv(path, fmt, out) == 3
    assert read(out).decode("utf-8") == EXPECTED_CSV


def test_xlsx_active_sheet_is_converted(tmp_path):
    path = write(tmp_path, xlsx_bytes([HEADER] + ROWS, active_title="数据"), "a.xlsx")
    out = str(tmp_path / "a.csv")
    assert conversion.sheet_to_csv(path, "xlsx", out) == 1
    assert read(out) == b"not this sheet\r\n"


def test_blank_rows_and_styled_empty_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "备注"])
    sheet.append([1, "甲"])
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append([2, "乙", "x"])
    sheet.cell(row=40, column=9).font = Font(bold=True)   # formatting far out, no value
    sheet.cell(row=41, column=1).value = ""
    path = str(tmp_path / "blank.xlsx")
    book.save(path)
    out = str(tmp_path / "blank.csv")
    assert conversion.sheet_to_csv(path, "xlsx", out) == 5
    assert read(out).decode() == "编号,名称,备注\r\n1,甲,\r\n,,\r\n,,\r\n2,乙,x\r\n"


def test_stale_dimension_does_not_cut_columns(tmp_path):
    book = Workbook()
    book.active.append(["a", "b", "c"])
    book.active.append([1, 2, 3])
    data = patch_xlsx(_save(book), '<dimension ref="A1:C2"/>', '<dimension ref="A1"/>')
    path = write(tmp_path, data, "stale.xlsx")
    out = str(tmp_path / "stale.csv")
    assert conversion.sheet_to_csv(path, "xlsx", out) == 2
    assert read(out) == b"a,b,c\r\n1,2,3\r\n"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_empty_sheet_gives_empty_csv(tmp_path, fmt):
    data = xlsx_bytes([]) if fmt == "xlsx" else xls_bytes([])
    path = write(tmp_path, data, f"empty.{fmt}")
    out = str(tmp_path / "empty.csv")
    assert conversion.sheet_to_csv(path, fmt, out) == 0
    assert read(out) == b""


def test_xls_cell_kinds(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("s")
    sheet.write(0, 0, datetime.time(8, 30), xlwt.easyxf(num_format_str="HH:MM"))
    sheet.write(0, 1, xlwt.Formula("1/0"))     # no cached value: xlrd reads an error/blank
    sheet.write(0, 2, 1e20)
    sheet.write(0, 3, 1 / 3)
    path = write(tmp_path, _save(book), "kinds.xls")
    out = str(tmp_path / "kinds.csv")
    assert conversion.sheet_to_csv(path, "xls", out) == 1
    assert read(out) == b"08:30:00,,100000000000000000000,0.3333333333333333\r\n"


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


GOOD_XLSX = xlsx_bytes([HEADER] + ROWS)
GOOD_XLS = xls_bytes([HEADER] + ROWS)


@pytest.mark.parametrize("fmt, data, message", [
    ("xlsx", b"\x00\x01garbage\xff" * 50, "The file is not a readable xlsx workbook"),
    ("xlsx", b"", "The file is not a readable xlsx workbook"),
    ("xlsx", GOOD_XLSX[: len(GOOD_XLSX) // 2], "The file is not a readable xlsx workbook"),
    ("xlsx", _zip({"word/document.xml": b"<w/>"}),
     "The file is not a readable xlsx workbook"),
    ("xlsx", TABLE.encode("gbk"), "The file is not a readable xlsx workbook"),
    ("xls", b"\x00\x01garbage\xff" * 50, "The file is not a readable xls workbook"),
    ("xls", GOOD_XLS[: len(GOOD_XLS) // 2], "The file is not a readable xls workbook"),
    ("xls", GOOD_XLS[:8] + b"\x00" * 4096, "The file is not a readable xls workbook"),
])
def test_unreadable_workbooks(tmp_path, fmt, data, message):
    path = write(tmp_path, data, f"bad.{fmt}")
    out = tmp_path / "bad.csv"
    with pytest.raises(ConversionError) as caught:
        conversion.sheet_to_csv(path, fmt, str(out))
    assert str(caught.value) == message
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_encrypted_xls(tmp_path):
    # A FILEPASS record (what Excel writes for a password) in place of xlwt's InterfaceHdr
    interface_hdr, filepass = b"\xe1\x00\x02\x00\xb0\x04", b"\x2f\x00\x02\x00\x00\x00"
    assert GOOD_XLS.count(interface_hdr) == 1
    path = write(tmp_path, GOOD_XLS.replace(interface_hdr, filepass), "locked.xls")
    with pytest.raises(ConversionError) as caught:
        conversion.sheet_to_csv(path, "xls", str(tmp_path / "locked.csv"))
    assert str(caught.value) == "The workbook is password-protected"


@pytest.mark.parametrize("fmt, message", [
    ("xlsx", "The file is not a readable xlsx workbook; it may be password-protected"),
    ("xls", "The file is not a readable xls workbook"),
])
def test_ole_file_without_a_workbook(tmp_path, fmt, message):
    """Excel saves a password-protected xlsx as an OLE file holding no workbook stream."""
    stream = "Workbook".encode("utf-16-le")
    assert GOOD_XLS.count(stream) == 1
    path = write(tmp_path, GOOD_XLS.replace(stream, "Encryptd".encode("utf-16-le")),
                 f"locked.{fmt}")
    with pytest.raises(ConversionError) as caught:
        conversion.sheet_to_csv(path, fmt, str(tmp_path / "locked.csv"))
    assert str(caught.value) == message


def test_failure_keeps_an_existing_output(tmp_path):
    path = write(tmp_path, b"junk", "bad.xlsx")
    out = tmp_path / "bad.csv"
    out.write_bytes(b"old")
    with pytest.raises(ConversionError):
        conversion.sheet_to_csv(path, "xlsx", str(out))
    assert out.read_bytes() == b"old"


def test_workbook_without_worksheet(tmp_path):
    book = Workbook()
    chart = book.create_chartsheet("图表")
    chart.add_chart(BarChart())
    book.remove(book["Sheet"])
    path = str(tmp_path / "chart.xlsx")
    book.save(path)
    with pytest.raises(ConversionError) as caught:
        conversion.sheet_to_csv(path, "xlsx", str(tmp_path / "chart.csv"))
    assert str(caught.value) == "The workbook has no worksheet"
    assert leftovers(tmp_path) == []


def test_damaged_sheet_xml_is_a_conversion_error(tmp_path):
    data = patch_xlsx(GOOD_XLSX, "</sheetData>", "<row><c r=")   # XML cut off mid-tag
    path = write(tmp_path, data, "cut.xlsx")
    with pytest.raises(ConversionError) as caught:
        conversion.sheet_to_csv(path, "xlsx", str(tmp_path / "cut.csv"))
    assert str(caught.value) == ("The xlsx workbook is damaged and could not be read to "
                                 "the end")
    assert not (tmp_path / "cut.csv").exists()
    assert leftovers(tmp_path) == []
