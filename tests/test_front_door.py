"""The front door's answers for files from every program: each says what the file is and
what will help, or says nothing (the file is read). Files are made here, byte by byte."""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import action_row, write_plan

from generator.errors import DamagedWorkbook, UnreadableWorkbook, UnsafeWorkbook
from generator.read.guard import WorkbookKind, inspect_workbook_file

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def refusal(path: Path) -> UnreadableWorkbook:
    """The one-line error inspecting ``path`` raises."""
    with pytest.raises(UnreadableWorkbook) as caught:
        inspect_workbook_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return caught.value


def ole2_header(
    *,
    fat_sectors: int,
    first_directory: int,
    first_difat: int,
    difat_sectors: int,
    difat: list[int],
) -> bytes:
    """A version 3 compound file header (512-byte sectors) with the given tables."""
    header = bytearray(512)
    header[:8] = OLE2_MAGIC
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<II", header, 44, fat_sectors, first_directory)
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<IIII", header, 60, END_OF_CHAIN, 0, first_difat, difat_sectors)
    for index in range(109):
        struct.pack_into("<I", header, 76 + 4 * index, difat[index] if index < len(difat) else FREE)
    return bytes(header)


def test_a_compound_file_whose_fat_table_list_loops_is_damaged(tmp_path: Path) -> None:
    """A DIFAT sector pointing at itself, claiming 134 million FAT sectors: refused at once."""
    body = bytearray(512 * 200)
    struct.pack_into("<128I", body, 512, *([0] * 127 + [1]))
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=0x7FFFFFF,
            first_directory=0,
            first_difat=1,
            difat_sectors=0x7FFFFF,
            difat=[0] * 109,
        )
        + bytes(body)
    )
    assert type(refusal(path)) is DamagedWorkbook


def test_a_compound_file_whose_directory_chain_loops_is_not_a_workbook(tmp_path: Path) -> None:
    """The directory's sector chain runs 1 -> 2 -> 2 ...: no Workbook stream is found."""
    body = bytearray(512 * 20)
    struct.pack_into("<128I", body, 0, *([FAT_SECTOR, 2, 2] + [FREE] * 125))
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=1, first_directory=1, first_difat=END_OF_CHAIN, difat_sectors=0, difat=[0]
        )
        + bytes(body)
    )
    assert isinstance(refusal(path), UnreadableWorkbook)


def test_a_truncated_compound_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=1, first_directory=0, first_difat=END_OF_CHAIN, difat_sectors=0, difat=[3]
        )
    )
    assert type(refusal(path)) is DamagedWorkbook


# --- Messages that say what the file is and what will help ---------------------------------

FILES = Path(__file__).resolve().parent / "files"
NO_RESAVE = ("save it again", "save it as .xlsx")


def one_line_refusal(run_cli, path: Path) -> str:
    """Validate ``path`` as a person would; the one-line message, checked to exit 2."""
    result = run_cli("validate", str(path), "--as-of", "2026-11-23")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"boardpack: {path}: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return lines[0]


def excel_lock_file(user: str) -> bytes:
    """An Excel owner ("lock") file as Excel writes it: 165 bytes naming the user twice."""
    data = bytearray(b" " * 165)
    data[0] = len(user)
    data[1 : 1 + len(user)] = user.encode("cp1252")
    data[55:57] = len(user).to_bytes(2, "little")
    data[57 : 57 + 2 * len(user)] = user.encode("utf-16-le")
    return bytes(data)


def test_excel_lock_file_names_the_workbook_and_who_has_it_open(tmp_path: Path, run_cli) -> None:
    lock = tmp_path / "~$plan.xlsx"
    lock.write_bytes(excel_lock_file("Jane Smith"))
    message = one_line_refusal(run_cli, lock)
    assert "is Excel's lock file for plan.xlsx" in message
    assert "Jane Smith has open in Excel" in message
    assert "Give boardpack plan.xlsx itself" in message
    assert not any(advice in message for advice in NO_RESAVE)


def test_libreoffice_lock_file(tmp_path: Path) -> None:
    lock = tmp_path / ".~lock.plan.xlsx#"
    lock.write_bytes(b"Jane Smith,laptop,jane,23.11.2026 21:04,file:///home/jane/;\n")
    message = str(refusal(lock))
    assert "LibreOffice's lock file for plan.xlsx, which Jane Smith has open" in message


def flat_ods() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        + b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        * 60
        + b' office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.'
        b'spreadsheet"><office:body><office:spreadsheet><table:table table:name="Actions"/>'
        b"</office:spreadsheet></office:body></office:document>"
    )


def test_flat_ods_is_named_for_what_it_is(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "plan.fods"
    path.write_bytes(flat_ods())  # the mimetype comes after 4 KB of namespaces
    message = one_line_refusal(run_cli, path)
    assert "is a flat OpenDocument spreadsheet (.fods)" in message
    assert "open it in LibreOffice and save it as .ods or .xlsx" in message


def test_a_bare_biff8_stream_is_named_for_what_it_is(tmp_path: Path, run_cli) -> None:
    """The Workbook stream of a real .xls, saved without its OLE2 container."""
    import olefile

    with olefile.OleFileIO(str(FILES / "calamine-date.xls")) as compound:
        stream = compound.openstream("Workbook").read()
    path = tmp_path / "plan.xls"
    path.write_bytes(stream)
    message = one_line_refusal(run_cli, path)
    assert "is the bare worksheet stream of an Excel 97-2003 workbook" in message
    assert "LibreOffice opens it: save it from there as .xlsx" in message
    assert "not a workbook" not in message


def test_excel_2_to_4_streams_are_still_named(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(64))
    assert "is an Excel 2, 3 or 4 workbook" in str(refusal(path))


# --- Packages: OpenDocument Basic modules, missing parts, sheets the reader cannot open ----

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
BASIC_MODULE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
    b'"module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
    b'script:name="Module1" script:language="StarBasic">Sub Main\nEnd Sub</script:module>'
)


def ods_content(rows: list[list[str]], stray: str = "") -> bytes:
    """content.xml of a one-sheet OpenDocument spreadsheet called Actions."""
    body = "".join(
        "<table:table-row>"
        + stray
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Actions">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()


def write_ods(path: Path, content: bytes, extra: dict[str, bytes] | None = None) -> Path:
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/" manifest:media-type="'
        + ODS_MIMETYPE
        + b'"/><manifest:file-entry manifest:full-path="content.xml" '
        b'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


PLAN_ROWS = [
    ["Ref", "Section", "Action", "Lead", "Due date", "Status", "Last updated"],
    [
        "QP-01",
        "Quality",
        "Audit case files",
        "Head of Service",
        "31/03/2027",
        "Green",
        "01/11/2026",
    ],
]


def test_a_basic_module_doctype_is_harmless(tmp_path: Path, run_cli) -> None:
    """LibreOffice writes a DOCTYPE naming module.dtd in every Basic module: the plan reads."""
    path = write_ods(
        tmp_path / "plan.ods",
        ods_content(PLAN_ROWS),
        {"Basic/Standard/Module1.xml": BASIC_MODULE},
    )
    assert inspect_workbook_file(path) is WorkbookKind.ODS
    result = run_cli("validate", str(path), "--as-of", "2026-11-23", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "DOCTYPE" not in result.stderr


@pytest.mark.parametrize(
    ("doctype", "words"),
    [
        (b'<!DOCTYPE m [<!ENTITY lol "lol">]>', "declares XML entities"),
        (b'<!DOCTYPE m SYSTEM "http://attacker.example/x.dtd">', "an outside address"),
        (b"<!DOCTYPE m [<!ELEMENT m ANY>]>", "its own definitions"),
    ],
    ids=["entity", "remote-dtd", "internal-subset"],
)
def test_a_doctype_that_declares_or_fetches_is_refused(
    tmp_path: Path, doctype: bytes, words: str
) -> None:
    module = b'<?xml version="1.0"?>' + doctype + b"<m/>"
    path = write_ods(
        tmp_path / "plan.ods", ods_content(PLAN_ROWS), {"Basic/Standard/Module1.xml": module}
    )
    error = refusal(path)
    assert type(error) is UnsafeWorkbook and words in str(error)


def test_damaged_opendocument_says_so_without_rust_debug_text(tmp_path: Path, run_cli) -> None:
    path = write_ods(tmp_path / "plan.ods", ods_content(PLAN_ROWS, stray="stray text"))
    message = one_line_refusal(run_cli, path)
    assert "is damaged: its content is not laid out as the format requires" in message
    for debug in ("BytesText", "Borrowed", "{", "Text("):
        assert debug not in message


def rewrite_package(
    source: Path, destination: Path, change: Callable[[str, bytes], bytes | None]
) -> Path:
    """A copy of a zip package with each part passed through ``change`` (None drops it)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(destination, "w") as copy:
        for info in original.infolist():
            data = change(info.filename, original.read(info))
            if data is not None:
                copy.writestr(info, data)
    return destination


def plain_plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "source.xlsx", [action_row()])


@pytest.mark.parametrize(
    ("dropped", "words"),
    [
        (("[Content_Types].xml", "xl/workbook.xml"), "holds parts of a workbook (xl/"),
        (("xl/worksheets/sheet1.xml",), "its part xl/worksheets/sheet1.xml is listed but missing"),
        (("xl/_rels/workbook.xml.rels",), "the part xl/_rels/workbook.xml.rels, which says"),
        (("xl/workbook.xml",), "its main part xl/workbook.xml is missing"),
    ],
    ids=["no-workbook-part", "no-sheet", "no-relationships", "no-main-part"],
)
def test_a_package_with_parts_missing_says_which(
    tmp_path: Path, run_cli, dropped: tuple[str, ...], words: str
) -> None:
    path = rewrite_package(
        plain_plan(tmp_path),
        tmp_path / "plan.xlsx",
        lambda name, data: None if name in dropped else data,
    )
    message = one_line_refusal(run_cli, path)
    assert words in message and "ask for the file again" in message
    assert "unzip" not in message and "save it again" not in message


MACRO_SHEET = (
    "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
    "application/vnd.ms-excel.macrosheet+xml",
    b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>',
)
DIALOG_SHEET = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
    b'<dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
)


def with_extra_sheet(tmp_path: Path, kind: tuple[str, str, bytes], folder: str) -> Path:
    """A plan with one more sheet of the given relationship type, content type and XML."""
    relationship, content_type, part = kind
    target = f"{folder}/sheet1.xml"

    def add_sheet(name: str, data: bytes) -> bytes:
        text = data.decode()
        if name == "xl/workbook.xml":
            text = text.replace(
                "</sheets>", '<sheet name="Other" sheetId="9" r:id="rId99"/></sheets>'
            )
        elif name == "xl/_rels/workbook.xml.rels":
            text = text.replace(
                "</Relationships>",
                f'<Relationship Id="rId99" Type="{relationship}" Target="{target}"/>'
                "</Relationships>",
            )
        elif name == "[Content_Types].xml":
            text = text.replace(
                "</Types>",
                f'<Override PartName="/xl/{target}" ContentType="{content_type}"/></Types>',
            )
        return text.encode()

    path = rewrite_package(plain_plan(tmp_path), tmp_path / "plan.xlsm", add_sheet)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"xl/{target}", part)
    return path


def test_a_macro_sheet_is_named_and_resaving_is_not_advised(tmp_path: Path, run_cli) -> None:
    message = one_line_refusal(run_cli, with_extra_sheet(tmp_path, MACRO_SHEET, "macrosheets"))
    assert "holds an Excel 4.0 macro sheet, which boardpack's reader cannot open" in message
    assert "saving it again would not help" in message
    assert "Move or Copy" in message and "damaged" not in message


def test_a_dialog_sheet_is_no_reason_to_refuse(tmp_path: Path, run_cli) -> None:
    """The reader opens workbooks with Excel 5.0 dialog sheets; the plan is checked."""
    path = with_extra_sheet(tmp_path, DIALOG_SHEET, "dialogsheets")
    result = run_cli("validate", str(path), "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stderr


def test_a_sheet_written_in_utf16_is_refused_not_read_as_empty(tmp_path: Path, run_cli) -> None:
    def utf16(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode().replace("encoding='UTF-8'", "encoding='UTF-16'")
        return b"\xff\xfe" + text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
            "utf-16-le"
        )

    path = rewrite_package(plain_plan(tmp_path), tmp_path / "plan.xlsx", utf16)
    message = one_line_refusal(run_cli, path)
    assert "the part xl/worksheets/sheet1.xml is written in UTF-16" in message
    assert "LibreOffice opens it: save it from there as .xlsx" in message


def test_an_unknown_code_page_is_named_not_called_damage(tmp_path: Path, run_cli) -> None:
    """A real .xls whose CODEPAGE record names 0x8001, which the reader has no table for."""
    import olefile

    path = tmp_path / "plan.xls"
    path.write_bytes((FILES / "calamine-date.xls").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as compound:
        stream = bytearray(compound.openstream("Workbook").read())
        at = stream.find(b"\x42\x00\x02\x00")  # CODEPAGE, 2 bytes
        stream[at + 4 : at + 6] = (0x8001).to_bytes(2, "little")
        compound.write_stream("Workbook", bytes(stream))
    message = one_line_refusal(run_cli, path)
    assert "in a character set (code page 0x8001) that boardpack's reader does not know" in message
    assert "damaged" not in message and "Cfb error" not in message


# --- Excel's default password -------------------------------------------------------------


def encrypt(source: Path, destination: Path, password: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, destination.open("wb") as encrypted:
        OOXMLFile(plain).encrypt(password, encrypted)
    return destination


def test_a_workbook_encrypted_with_excels_default_password_is_read(tmp_path: Path, run_cli) -> None:
    plain = write_plan(tmp_path / "plain.xlsx", [action_row({"Due date": "31/02/2027"})])
    locked = encrypt(plain, tmp_path / "plan.xlsx", "VelvetSweatshop")
    assert locked.read_bytes().startswith(OLE2_MAGIC)
    expected = run_cli("validate", str(plain), "--as-of", "2026-11-23", "--format", "json")
    result = run_cli("validate", str(locked), "--as-of", "2026-11-23", "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert [f["message"] for f in findings] == [f["message"] for f in json.loads(expected.stdout)]
    assert {f["file"] for f in findings} == {str(locked)}


def test_a_workbook_with_its_own_password_is_still_refused(tmp_path: Path, run_cli) -> None:
    plain = write_plan(tmp_path / "plain.xlsx", [action_row()])
    locked = encrypt(plain, tmp_path / "plan.xlsx", "s3cret-Board")
    message = one_line_refusal(run_cli, locked)
    assert "is password-protected; remove the password in Excel" in message


def test_a_sheet_the_reader_stops_on_is_named_without_the_readers_own_words(
    tmp_path: Path, run_cli
) -> None:
    """A cell reference with no row (poi's poc-shared-strings.xlsx has them): python-calamine
    says "Range is missing the expected row component.", which helps nobody; the message
    names the sheet, says it cannot be read, and what to do."""

    def no_row(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b' r="A2"', b' r="A"', 1)
        return data

    path = rewrite_package(plain_plan(tmp_path), tmp_path / "plan.xlsx", no_row)
    message = one_line_refusal(run_cli, path)
    assert message.startswith(f"boardpack: {path}: its sheet 'Actions' cannot be read: ")
    assert "damaged, or written in a way boardpack's reader does not know" in message
    assert message.endswith("open it in Excel or LibreOffice and save it as .xlsx")
    for internal in ("Range", "row component", "(", "{"):
        assert internal not in message.split(": ", 2)[2]


def test_a_workbook_that_lists_no_sheets_says_so(tmp_path: Path, run_cli) -> None:
    """excelize's BadWorkbook.xlsx: a sheet part in the package, but <sheets/> empty in the
    workbook part. "No sheet holds an improvement plan (sheets: none); give its columns
    those headers" would send a person hunting for headers that nothing shows them."""

    def no_sheets(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            start, end = data.index(b"<sheets>"), data.index(b"</sheets>") + len(b"</sheets>")
            return data[:start] + b"<sheets></sheets>" + data[end:]
        return data

    path = rewrite_package(plain_plan(tmp_path), tmp_path / "plan.xlsx", no_sheets)
    message = one_line_refusal(run_cli, path)
    assert message == (
        f"boardpack: {path}: lists no sheets, so there is nothing to read; open it in Excel "
        "or LibreOffice, check the plan is there, and save it again"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # calamine's too_small.xls: what a mail gateway leaves in place of an attachment.
        (
            "Attachment f:\\attachcus\\arnold-j\\Summer trading shots.xls not found!\r\n",
            'a text file, beginning "Attachment f:\\attachcus\\arnold-j\\Summer trading '
            'shots.xls not found!"',
        ),
        ("\r\n  \r\n", "a text file holding only blank lines"),
        ("x" * 200, 'beginning "' + "x" * 79 + '…"'),
    ],
    ids=["gateway-note", "blank", "long"],
)
def test_plain_text_named_as_a_workbook_says_what_it_begins_with(
    tmp_path: Path, run_cli, text: str, says: str
) -> None:
    """Not "open it in Excel and save it as .xlsx": Excel would make one cell of it."""
    path = tmp_path / "plan.xls"
    path.write_bytes(text.encode("utf-8"))
    message = one_line_refusal(run_cli, path)
    assert says in message
    assert message.endswith("give boardpack the plan's Excel workbook (.xlsx)")
    assert not any(advice in message for advice in NO_RESAVE)
