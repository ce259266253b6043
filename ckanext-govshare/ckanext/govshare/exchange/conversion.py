"""Making a department's tabular files usable on the platform: text tables re-encoded from
GBK/GB18030 to UTF-8, and spreadsheets given a UTF-8 CSV beside them.

Files can be large, so text is streamed through incremental decoders and spreadsheets are
read row by row. Every output is written to a temporary file in the target's directory and
moved into place, so a failure never leaves a half-written file behind. A file that cannot
be converted raises ``ConversionError`` with one sentence for the harvest report; the
library's own exception stays chained to it for the log.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import os
import shutil
import tempfile
from typing import IO, Any, Iterable, Iterator

import ckan.plugins.toolkit as tk

TEXT_FORMATS = frozenset({"csv", "tsv", "txt"})
SHEET_FORMATS = frozenset({"xlsx", "xls"})

CHUNK = 1 << 20
# Bytes past the first invalid one that UTF-8 multi-byte characters had already taken up:
# GBK text almost never decodes as UTF-8 for more than a character or two, so a file with
# this many valid multi-byte characters before a bad byte is damaged UTF-8, and decoding it
# as GB18030 would only store garbled text.
UTF8_EVIDENCE = 16

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MIME_FORMATS = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "txt",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


class ConversionError(Exception):
    """A file that could not be converted; str() is one plain sentence for the harvest
    report (English, wrapped in ckan.plugins.toolkit._ so it can be translated)."""


# --- format -----------------------------------------------------------------------------

def detect_format(filename: str, declared_format: str | None) -> str | None:
    """The table format to convert as: the declared resource format when it names one we
    handle (``CSV``, ``text/csv``, ``.xlsx``), else the file name's extension."""
    known = TEXT_FORMATS | SHEET_FORMATS
    declared = (declared_format or "").split(";")[0].strip().lower().lstrip(".")
    declared = MIME_FORMATS.get(declared, declared)
    if declared in known:
        return declared
    name = filename.split("?")[0].split("#")[0].replace("\\", "/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    return extension if extension in known else None


# --- text tables ------------------------------------------------------------------------

def to_utf8(path: str) -> str | None:
    """Re-encode a text table in place as UTF-8 without BOM.

    Returns the encoding converted from: ``"gb18030"`` (which covers GBK), ``"utf-8-sig"``
    when only a UTF-8 BOM was stripped, or None when the file already was plain UTF-8 (it
    is then left untouched). Raises ConversionError for bytes that are valid in neither.
    """
    with open(path, "rb") as source:
        has_bom = source.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        source.seek(0)
        bad_offset, evidence = _first_invalid_utf8(source)
    if bad_offset is None:
        if not has_bom:
            return None
        with open(path, "rb") as source, _replacing(path, path) as out:
            source.seek(len(codecs.BOM_UTF8))
            shutil.copyfileobj(source, out, CHUNK)
        return "utf-8-sig"
    if has_bom or evidence >= UTF8_EVIDENCE:
        raise ConversionError(tk._(
            "The file is UTF-8 text with invalid bytes at byte {offset}").format(
                offset=bad_offset))
    with open(path, "rb") as source, _replacing(path, path) as out:
        _transcode(source, out, "gb18030")
    return "gb18030"


def _first_invalid_utf8(source: IO[bytes]) -> tuple[int | None, int]:
    """Where the first byte that is not UTF-8 is (None if all are), and how many bytes
    valid multi-byte characters had taken up before it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    position = evidence = 0
    for chunk in _chunks(source):
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            valid = error.object[:error.start]
            return position - pending + error.start, evidence + len(valid) - len(
                valid.decode("utf-8"))
        evidence += pending + len(chunk) - len(decoder.getstate()[0]) - len(text)
        position += len(chunk)
    return None, evidence


def _transcode(source: IO[bytes], out: IO[bytes], encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    position, first = 0, True
    for chunk in _chunks(source):
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise ConversionError(tk._(
                "The file is neither UTF-8 nor GBK/GB18030 text: invalid bytes at byte "
                "{offset}").format(offset=position - pending + error.start)) from error
        if first and text:
            text, first = text.removeprefix("\ufeff"), False
        out.write(text.encode("utf-8"))
        position += len(chunk)


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    """The file's chunks, then one empty chunk so the decoder is told the input ended."""
    while chunk := source.read(CHUNK):
        yield chunk
    yield b""


@contextlib.contextmanager
def _replacing(target: str, mode_of: str) -> Iterator[IO[bytes]]:
    """A temporary file beside ``target`` that replaces it only if the block succeeds,
    with the permissions of ``mode_of`` (mkstemp's own are owner-only)."""
    directory, name = os.path.split(os.path.abspath(target))
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        shutil.copymode(mode_of, temp_path)
        os.replace(temp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
        raise


# --- spreadsheets -----------------------------------------------------------------------

def sheet_to_csv(path: str, fmt: str, out_path: str) -> int:
    """Write the active worksheet of an xlsx or xls workbook to ``out_path`` as UTF-8 CSV.

    Returns the number of rows written, header included. The file's content decides the
    reader, so a workbook with the other extension still converts. Trailing empty cells
    and rows are dropped (styling makes them); rows are padded to the widest one so far.
    """
    with open(path, "rb") as handle:
        magic = handle.read(len(OLE_MAGIC))
    if magic.startswith(ZIP_MAGIC):
        rows_of = _xlsx_rows
    elif magic == OLE_MAGIC:
        rows_of = _xls_rows
    else:
        raise ConversionError(_unreadable(fmt))
    with _replacing(out_path, path) as raw, contextlib.closing(rows_of(path, fmt)) as rows:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        count = _write_csv(out, rows)
        out.detach()  # flushes; closing the file is _replacing's
    return count


def _write_csv(out: IO[str], rows: Iterable[Iterable[Any]]) -> int:
    writer = csv.writer(out)
    width = count = blank = 0
    for row in rows:
        cells = [_cell_text(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            blank += 1    # written only if a row with content follows
            continue
        writer.writerows([[""] * width] * blank)
        count += blank + 1
        blank = 0
        width = max(width, len(cells))
        writer.writerow(cells + [""] * (width - len(cells)))
    return count


def _xlsx_rows(path: str, fmt: str) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    # A file object, not the path: openpyxl rejects paths without an xlsx extension.
    with open(path, "rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # BadZipFile, InvalidFileException, KeyError, ...
            raise ConversionError(_unreadable(fmt)) from error
        try:
            sheet = book.active
            if sheet is None or sheet not in book.worksheets:   # none, or a chart sheet
                sheet = next(iter(book.worksheets), None)
            if sheet is None:
                raise ConversionError(tk._("The workbook has no worksheet"))
            sheet.reset_dimensions()  # the stored ones may be stale and cut columns off
            yield from _reading(sheet.iter_rows(values_only=True), fmt)
        finally:
            book.close()


def _xls_rows(path: str, fmt: str) -> Iterator[list[Any]]:
    import xlrd

    try:
        book = xlrd.open_workbook(path, logfile=io.StringIO())
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise ConversionError(tk._("The workbook is password-protected")) from error
        if fmt == "xlsx":  # an OLE file but no xls: how Excel saves a protected xlsx
            raise ConversionError(tk._(
                "The file is not a readable xlsx workbook; it may be password-protected"
            )) from error
        raise ConversionError(_unreadable(fmt)) from error
    except Exception as error:  # CompDocError, struct.error, IndexError, ...
        raise ConversionError(_unreadable(fmt)) from error
    try:
        sheets = book.sheets()
        if not sheets:
            raise ConversionError(tk._("The workbook has no worksheet"))
        # xlrd's sheet_visible is the active flag of the sheet's window
        sheet = next((s for s in sheets if s.sheet_visible), sheets[0])
        for number in range(sheet.nrows):
            yield [_xls_value(cell, book.datemode) for cell in sheet.row(number)]
    finally:
        book.release_resources()


def _xls_value(cell, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            year, month, day, hour, minute, second = xlrd.xldate_as_tuple(cell.value,
                                                                           datemode)
        except xlrd.xldate.XLDateError:
            return cell.value
        if not year:
            return datetime.time(hour, minute, second)
        return datetime.datetime(year, month, day, hour, minute, second)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def _reading(rows: Iterator[Any], fmt: str) -> Iterator[Any]:
    """The rows, with a library failure part way through the file turned into a sentence."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise ConversionError(tk._(
                "The {fmt} workbook is damaged and could not be read to the end"
            ).format(fmt=fmt)) from error
        yield row


def _cell_text(value: Any) -> str:
    """A cell as CSV text: as Excel shows it unformatted, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        # Spreadsheets store dates as datetimes: midnight is a date
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    return str(value)


def _unreadable(fmt: str) -> str:
    return tk._("The file is not a readable {fmt} workbook").format(fmt=fmt)
