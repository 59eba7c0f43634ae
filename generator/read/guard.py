"""The front door: decide what a file is, by its bytes, before any parser sees it.

Every workbook passes ``inspect_workbook_file`` first. It answers with the kind of workbook
(so the reader knows which library can open it) or raises one of the ``UnreadableWorkbook``
errors with a one-line message that says what is wrong and what to do. It never parses cell
data; it looks at magic numbers, zip and OLE2 directories and the first bytes of XML parts.

Zip packages are checked for zip bombs twice: first from the sizes the zip's directory
declares (instant), then by inflating every part in small chunks with a running cap, which
also proves each part's checksum and lets the head of every XML part be searched for a
DOCTYPE. Valid Office Open XML and OpenDocument parts never declare one, so refusing it
closes the door on entity expansion ("billion laughs") and external entities whatever XML
parser reads the part later.
"""

from __future__ import annotations

import enum
import io
import re
import stat
import struct
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from generator.common.a1 import column_letter, column_number
from generator.common.sizes import KB, MB, format_size
from generator.common.zips import ZIP_ERRORS
from generator.errors import (
    DamagedWorkbook,
    FileNotReadable,
    NotAWorkbook,
    PasswordProtected,
    UnsafeWorkbook,
    UnsupportedWorkbook,
    WorkbookTooLarge,
)


class WorkbookKind(str, enum.Enum):
    """What a file that passed the front door holds (equal to its short name, "xlsx"...)."""

    XLSX = "xlsx"  # Office Open XML workbook or template (.xlsx, .xltx)
    XLSM = "xlsm"  # the same with macros (.xlsm, .xltm)
    XLSB = "xlsb"  # Excel binary workbook
    XLS = "xls"  # Excel 5 to 2003 (BIFF5-8 in an OLE2 container)
    ODS = "ods"  # OpenDocument spreadsheet

    @property
    def is_office_open_xml(self) -> bool:
        """True for the kinds openpyxl can open (for styles, annotation and writing)."""
        return self in (WorkbookKind.XLSX, WorkbookKind.XLSM)


@dataclass(frozen=True)
class Limits:
    """How much a workbook may unpack to before boardpack refuses to read it.

    The defaults leave several times the headroom a 100,000-action plan needs (about 60 MB of
    sheet XML and shared strings) while keeping a hostile file far below what would exhaust
    a laptop's memory.
    """

    max_size: int = 500 * MB  # all parts unpacked together, or an .xls file's own size
    max_part_size: int = 256 * MB  # any one part unpacked
    max_parts: int = 10_000  # real workbooks have tens of parts, hundreds with many pictures
    max_ratio: int = 200  # unpacked / packed; real sheet XML packs 5:1 to 50:1 ...
    ratio_applies_above: int = 16 * MB  # ... and only a large part's ratio says anything
    # The reader allocates 32 bytes per cell from the first to the last cell with a value:
    # 10 million cells is 320 MB; a 100,000-action plan of 14 columns is 1.4 million.
    max_cells: int = 10_000_000

    def with_max_size(self, size: int) -> Limits:
        """These limits with both size caps set to ``size``: a person's "this plan is big"."""
        return replace(self, max_size=size, max_part_size=size)


DEFAULT_LIMITS = Limits()


def limits_for(max_size: int | None) -> Limits:
    """The default limits, with both size caps set to ``max_size`` when one is given."""
    return DEFAULT_LIMITS.with_max_size(max_size) if max_size else DEFAULT_LIMITS


@dataclass(frozen=True)
class Inspection:
    """What the front door learnt: the kind of workbook, and which worksheet parts (zip
    member names) could hold formulas or error cells, noticed while inflating them anyway.
    """

    kind: WorkbookKind
    parts_with_formulas: frozenset[str] = frozenset()
    parts_with_errors: frozenset[str] = frozenset()
    # The workbook's bytes when they are not the file's own: a workbook Excel encrypted
    # with its built-in default password, which Excel opens without asking.
    decrypted: bytes | None = None


def inspect_workbook_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> WorkbookKind:
    """Say what kind of workbook ``path`` holds, or raise why it cannot be read safely.

    Raises a subclass of ``UnreadableWorkbook`` (and nothing else) for a missing, unreadable,
    empty, encrypted, damaged, unsupported or hostile file; each message names the file, says
    what is wrong and what to do.
    """
    return inspect_workbook(path, limits).kind


def inspect_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """``inspect_workbook_file``, with what was noticed about the worksheets on the way."""
    with _open_regular_file(path) as file:
        head = file.read(_SNIFF_BYTES)
        if not head:
            raise NotAWorkbook(
                f"{path}: is empty (0 bytes); it may not have finished saving or copying, "
                "so save or copy it again"
            )
        if head.startswith(_ZIP_MAGIC):
            return _inspect_zip(path, file, limits)
        if head.startswith(_OLE2_MAGIC):
            return _inspect_ole2(path, file, limits)
        lock = _lock_file(path, head)
        if lock:
            raise NotAWorkbook(f"{path}: {lock}")
        _refuse_bare_biff(path, head)
        text = _as_text(head)
        if text is not None and text.lstrip("\ufeff \t\r\n").startswith("<"):
            # An XML file's root element, namespaces and all, can run past the first 4 KB.
            text = _as_text(head + file.read(_PROLOG_LIMIT - len(head))) or text
    if _EXCEL_2003_XML in (text or ""):
        raise UnsupportedWorkbook(
            f"{path}: is an Excel 2003 XML spreadsheet, which boardpack cannot read; "
            f"{_SAVE_AS_XLSX}"
        )
    _refuse_flat_opendocument(path, text or "")
    raise NotAWorkbook(f"{path}: {_describe_other_file(head)}")


# --- Opening the file --------------------------------------------------------------------

_SNIFF_BYTES = 4096


def _open_regular_file(path: Path) -> BinaryIO:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileNotReadable(f"{path}: no such file; check the name and folder") from None
    except OSError as error:
        raise FileNotReadable(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        raise FileNotReadable(f"{path}: is a folder, not a workbook; give the workbook's path")
    if not stat.S_ISREG(mode):
        raise FileNotReadable(f"{path}: is not an ordinary file; give the workbook's path")
    try:
        return path.open("rb")
    except PermissionError:
        raise FileNotReadable(
            f"{path}: cannot be read (permission denied); check the file's permissions, "
            "or copy it somewhere you can read it"
        ) from None
    except OSError as error:
        raise FileNotReadable(f"{path}: cannot be read ({error.strerror})") from None


# --- Things that are not workbooks ---------------------------------------------------------

_SAVE_AS_XLSX = "open it in Excel and save it as .xlsx"


_EXCEL_2003_XML = "urn:schemas-microsoft-com:office:spreadsheet"


def _refuse_bare_biff(path: Path, head: bytes) -> None:
    """Refuse an Excel worksheet stream stored bare rather than in an OLE2 container.

    Excel 2-4 saved workbooks that way; an Excel 5-2003 stream on its own (its BOF record
    0x0809) is what some programs export, and LibreOffice opens both.
    """
    if len(head) < 8 or head[0] != 0x09 or not 4 <= int.from_bytes(head[2:4], "little") <= 20:
        return
    if head[1] in (0x00, 0x02, 0x04):
        raise UnsupportedWorkbook(
            f"{path}: is an Excel 2, 3 or 4 workbook (from before 1995), which boardpack "
            "cannot read; open it in Excel or LibreOffice and save it as .xlsx"
        )
    if head[1] == 0x08:
        version = "97-2003" if int.from_bytes(head[4:6], "little") == 0x0600 else "5.0/95"
        raise UnsupportedWorkbook(
            f"{path}: is the bare worksheet stream of an Excel {version} workbook, without the "
            "container an .xls file wraps it in, which boardpack cannot read; LibreOffice "
            "opens it: save it from there as .xlsx"
        )


# Excel's lock file "~$plan.xlsx" (165 bytes): the user's name as a length byte and 8-bit
# text, padded with spaces to offset 55, then a 16-bit length and the name in UTF-16.
_LOCK_FILE_MOST = 1 * KB
_LIBREOFFICE_LOCK = re.compile(r"\.~lock\.(.+)#")


def _lock_file(path: Path, head: bytes) -> str | None:
    """What to say about an Office or LibreOffice lock file, or None if this is not one."""
    if len(head) > _LOCK_FILE_MOST:
        return None
    name = path.name
    if name.startswith("~$") and len(name) > 2:
        workbook = name[2:]
        user = _lock_file_user(head)
        holder = f"which {user} has open in Excel" if user else "made while it is open in Excel"
        return (
            f"is Excel's lock file for {workbook}, {holder}; Excel deletes it when the "
            f"workbook is closed. Give boardpack {workbook} itself"
        )
    libreoffice = _LIBREOFFICE_LOCK.fullmatch(name)
    if libreoffice:
        workbook = libreoffice[1]
        user = head.decode("utf-8", "replace").split(",", 1)[0].strip()
        holder = f"which {user} has open in LibreOffice" if user else "open in LibreOffice"
        return (
            f"is LibreOffice's lock file for {workbook}, {holder}; LibreOffice deletes it "
            f"when the workbook is closed. Give boardpack {workbook} itself"
        )
    return None


def _lock_file_user(head: bytes) -> str:
    """The user named in an Excel lock file, or "" if it names none that can be read."""
    for offset in (55, 54):  # Excel and PowerPoint write the UTF-16 copy at 55, Word at 54
        if len(head) >= offset + 2:
            length = int.from_bytes(head[offset : offset + 2], "little")
            text = head[offset + 2 : offset + 2 + 2 * length]
            if 0 < length <= 52 and len(text) == 2 * length:
                user = text.decode("utf-16-le", "replace").strip()
                if user.isprintable() and "\ufffd" not in user:
                    return user
    length = head[0] if head else 0
    user = head[1 : 1 + length].decode("cp1252", "replace").strip() if 0 < length <= 52 else ""
    return user if user.isprintable() and "\ufffd" not in user else ""


_FLAT_ODF = re.compile(r"<office:document\b[^>]*?office:mimetype\s*=\s*[\"']([^\"']+)")


def _refuse_flat_opendocument(path: Path, text: str) -> None:
    """Refuse a flat (single XML file) OpenDocument file: .fods, or another kind."""
    if "<office:document" not in text:
        return
    found = _FLAT_ODF.search(text)
    media_type = found[1] if found else ""
    if media_type.startswith(_ODS_MEDIA_TYPES[0]) or "<office:spreadsheet" in text:
        raise UnsupportedWorkbook(
            f"{path}: is a flat OpenDocument spreadsheet (.fods), which boardpack cannot read; "
            "open it in LibreOffice and save it as .ods or .xlsx"
        )
    kind = "text document" if ".text" in media_type or "<office:text" in text else "file"
    raise NotAWorkbook(
        f"{path}: is a flat OpenDocument {kind}, not a workbook; {_GIVE_THE_WORKBOOK}"
    )


def _describe_other_file(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "is a PDF document, not a workbook; ask for the Excel workbook itself"
    text = _as_text(head)
    if text is None:
        return f"is not a workbook (boardpack does not recognise its contents); {_SAVE_AS_XLSX}"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")) or "<table" in start or "<html" in start:
        return f"is not a workbook: it is a web page (HTML); {_SAVE_AS_XLSX}"
    if start.startswith("<"):
        return f"is not a workbook: it is an XML file; {_SAVE_AS_XLSX}"
    first_line = start.split("\n", 1)[0]
    if any(separator in first_line for separator in (",", "\t", ";")):
        return f"is not a workbook: it looks like a CSV (text) file; {_SAVE_AS_XLSX}"
    # Plain text with no columns: Excel would make one cell of it, so re-saving cannot help.
    # Its opening words say what it is (a mail gateway's "Attachment ... not found!").
    opening = " ".join(text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].split())
    if not opening:
        return f"is not a workbook but a text file holding only blank lines; {_GIVE_THE_WORKBOOK}"
    shown = opening if len(opening) <= 80 else opening[:79] + "…"
    return f'is not a workbook but a text file, beginning "{shown}"; {_GIVE_THE_WORKBOOK}'



def _as_text(head: bytes) -> str | None:
    """The head of a file as text, or None if it looks binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="replace")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
    unknown = text.count("\ufffd")
    # Windows-1252 text (a £ sign, say) decodes with a few replacement characters; binary
    # data decodes with many, and with control characters.
    return text if controls <= len(text) // 100 and unknown <= len(text) // 10 else None


# --- Zip packages: .xlsx, .xlsm, .xlsb, .ods -------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1 * MB
_DAMAGED_ZIP = (
    "is damaged (its zip structure is broken or incomplete, perhaps a partial download "
    "or copy); ask for the file again, or open it in Excel and save it again"
)
_MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        WorkbookKind.XLSX
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        WorkbookKind.XLSX
    ),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": WorkbookKind.XLSM,
    "application/vnd.ms-excel.template.macroenabled.main+xml": WorkbookKind.XLSM,
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": WorkbookKind.XLSB,
}
_CONTENT_TYPE = re.compile(r"""ContentType\s*=\s*["']([^"']+)["']""")
_ODS_MEDIA_TYPES = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
)
_ODF_MANIFEST = "meta-inf/manifest.xml"


def _inspect_zip(path: Path, file: BinaryIO, limits: Limits) -> Inspection:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            file_size = file.seek(0, 2)
            _check_directory(path, members, file_size, limits)
            kind = _identify_package(path, archive, members)
            unread = _parts_no_reader_opens(archive, members) if kind.is_office_open_xml else set()
            markers = _inflate_with_caps(path, archive, members, limits, unread)
            if kind is WorkbookKind.ODS:
                _check_ods_encryption(path, archive, members)
            return Inspection(
                kind,
                frozenset(name for name, found in markers.items() if _FORMULA_MARK in found),
                frozenset(name for name, found in markers.items() if _ERROR_MARK in found),
            )
    except ZIP_ERRORS:
        raise DamagedWorkbook(f"{path}: {_DAMAGED_ZIP}") from None
    except OSError as error:
        raise FileNotReadable(f"{path}: cannot be read ({error.strerror})") from None


def _check_directory(
    path: Path, members: list[zipfile.ZipInfo], file_size: int, limits: Limits
) -> None:
    """Refuse on what the zip's central directory declares, before inflating anything."""
    if not members:
        raise NotAWorkbook(f"{path}: is an empty zip archive, not a workbook")
    if len(members) > limits.max_parts:
        raise UnsafeWorkbook(
            f"{path}: has {len(members):,} parts, more than the {limits.max_parts:,} a workbook "
            "could need; boardpack will not read it"
        )
    duplicates = [name for name, count in Counter(m.filename for m in members).items() if count > 1]
    if duplicates:
        raise DamagedWorkbook(
            f"{path}: holds two copies of the part {duplicates[0]}, so programs may disagree "
            "about its contents; open it in Excel and save it again"
        )
    # Parts that share their packed bytes (the "overlapping files" zip bomb) pack into less
    # space than their sum.
    if sum(member.compress_size for member in members) > file_size:
        raise UnsafeWorkbook(f"{path}: has parts that overlap inside the zip (a zip bomb)")
    for member in members:
        if member.flag_bits & 0x1:
            raise PasswordProtected(
                f"{path}: is an encrypted zip archive, not an Excel workbook; unzip it with "
                "its password and give boardpack the workbook inside"
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DamagedWorkbook(
                f"{path}: uses a zip compression method Excel never writes; "
                "open it in Excel and save it again"
            )
        _check_part_size(path, member.filename, member.file_size, limits)
        if (
            member.file_size > limits.ratio_applies_above
            and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        ):
            raise UnsafeWorkbook(
                f"{path}: the part {member.filename} unpacks from "
                f"{format_size(member.compress_size)} to {format_size(member.file_size)}, "
                "which no real workbook does (a zip bomb); boardpack will not read it"
            )
    _check_total_size(path, sum(member.file_size for member in members), limits)


def _check_part_size(path: Path, name: str, size: int, limits: Limits) -> None:
    if size > limits.max_part_size:
        raise WorkbookTooLarge(
            f"{path}: the part {name} unpacks to more than {format_size(limits.max_part_size)}, "
            "the size limit for one part",
            limit=limits.max_part_size,
        )


def _check_total_size(path: Path, size: int, limits: Limits) -> None:
    if size > limits.max_size:
        raise WorkbookTooLarge(
            f"{path}: unpacks to more than {format_size(limits.max_size)}, the size limit",
            limit=limits.max_size,
        )


def _identify_package(
    path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> WorkbookKind:
    """Say which kind of package this is, from its content types or its ODF mimetype."""
    by_name = {member.filename.lower(): member for member in members}
    if "mimetype" in by_name or _ODF_MANIFEST in by_name:
        text = _read_small_text(archive, by_name.get("mimetype") or by_name[_ODF_MANIFEST])
        if any(media_type in text for media_type in _ODS_MEDIA_TYPES):
            return WorkbookKind.ODS
        if "opendocument" in text:
            raise NotAWorkbook(
                f"{path}: is an OpenDocument file but not a spreadsheet; give boardpack the "
                "plan's spreadsheet (.xlsx or .ods)"
            )
    types = []
    text = ""
    if "[content_types].xml" in by_name:
        text = _read_small_text(archive, by_name["[content_types].xml"])
        # The parts' own (Override) types first: a Default by extension may name a main
        # type for a kind of part the package does not even use.
        overrides = [
            found.lower() for found in _CONTENT_TYPE.findall(" ".join(_OVERRIDE.findall(text)))
        ]
        types = overrides + [found.lower() for found in _CONTENT_TYPE.findall(text)]
    for content_type in types:
        if content_type in _MAIN_CONTENT_TYPES:
            kind = _MAIN_CONTENT_TYPES[content_type]
            _check_workbook_parts(path, archive, by_name, kind, _main_part(text, content_type))
            return kind
    everything = " ".join(types) + " " + " ".join(by_name)
    if "wordprocessingml" in everything or "word/document.xml" in by_name:
        raise NotAWorkbook(f"{path}: is a Word document, not a workbook; {_GIVE_THE_WORKBOOK}")
    if "presentationml" in everything or "ppt/presentation.xml" in by_name:
        raise NotAWorkbook(
            f"{path}: is a PowerPoint presentation, not a workbook; {_GIVE_THE_WORKBOOK}"
        )
    # Packages whose content types are missing or garbled: calamine finds parts by their
    # relationships, so go by the workbook part itself.
    if "xl/workbook.xml" in by_name:
        _check_workbook_parts(path, archive, by_name, WorkbookKind.XLSX, "xl/workbook.xml")
        return WorkbookKind.XLSX
    if "xl/workbook.bin" in by_name:
        _check_workbook_parts(path, archive, by_name, WorkbookKind.XLSB, "xl/workbook.bin")
        return WorkbookKind.XLSB
    pieces = sorted(name for name in by_name if name.startswith(("xl/", "content.xml")))
    if pieces:
        raise DamagedWorkbook(
            f"{path}: holds parts of a workbook ({_some(pieces)}) but not the part that lists "
            "its sheets, so it is incomplete, perhaps cut short in copying or put together by "
            "hand; ask for the file again"
        )
    raise NotAWorkbook(
        f"{path}: is a zip archive, not a workbook; if the workbook is inside it, "
        "unzip it first and give boardpack the .xlsx file"
    )


_GIVE_THE_WORKBOOK = "give boardpack the plan's Excel workbook (.xlsx)"
_OVERRIDE = re.compile(r"<(?:\w+:)?Override\b[^>]*>")
_PART_NAME = re.compile(r"""PartName\s*=\s*["']([^"']+)["']""")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
_TARGET = re.compile(r"""Target\s*=\s*["']([^"']+)["']""")
_TYPE = re.compile(r"""Type\s*=\s*["']([^"']+)["']""")
_TARGET_MODE = re.compile(r"""TargetMode\s*=\s*["']External["']""", re.IGNORECASE)
# Sheets python-calamine cannot open at all (it reads dialog sheets), as Excel names them.
_UNREADABLE_SHEETS = {
    "xlmacrosheet": "an Excel 4.0 macro sheet",
    "xlintlmacrosheet": "an Excel 4.0 international macro sheet",
}


def _main_part(content_types: str, main_type: str) -> str:
    """The workbook part's name as [Content_Types].xml declares it ("" if by default)."""
    for override in _OVERRIDE.findall(content_types):
        found = _CONTENT_TYPE.search(override)
        part = _PART_NAME.search(override)
        if found and part and found[1].lower() == main_type:
            return part[1].lstrip("/")
    return ""


def _office_document(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str:
    """The workbook part _rels/.rels points at, or "" if it names none."""
    root = by_name.get("_rels/.rels")
    if root is None:
        return ""
    for relationship in _RELATIONSHIP.findall(_read_small_text(archive, root)):
        link_type, target = _TYPE.search(relationship), _TARGET.search(relationship)
        if link_type and target and link_type[1].endswith("/officeDocument"):
            return _resolve("", target[1])
    return ""


def _check_workbook_parts(
    path: Path,
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    kind: WorkbookKind,
    declared: str,
) -> None:
    """Refuse a package missing the parts its workbook part lists, or holding sheets the
    reader cannot open; either way re-saving the same file would not help."""
    main = _office_document(archive, by_name) or declared
    main = main or ("xl/workbook.bin" if kind is WorkbookKind.XLSB else "xl/workbook.xml")
    if main.lower() not in by_name:
        raise DamagedWorkbook(
            f"{path}: is an incomplete workbook: its main part {main} is missing, perhaps cut "
            "short in copying or put together by a program; ask for the file again"
        )
    if kind is WorkbookKind.XLSB and main != "xl/workbook.bin":
        # The reader follows the package's pointer to an .xlsx's workbook part, but looks
        # for an .xlsb's only where Excel puts it.
        raise UnsupportedWorkbook(
            f"{path}: keeps its workbook part at {main} rather than xl/workbook.bin, where "
            "Excel puts it and boardpack's reader looks; open it in Excel and save it again, "
            "which puts it back"
        )
    folder, _, base = main.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name.lower() not in by_name:
        raise DamagedWorkbook(
            f"{path}: is an incomplete workbook: the part {rels_name}, which says where its "
            "sheets are, is missing; ask for the file again"
        )
    missing: list[str] = []
    for relationship in _RELATIONSHIP.findall(
        _read_small_text(archive, by_name[rels_name.lower()])
    ):
        link_type, target = _TYPE.search(relationship), _TARGET.search(relationship)
        if link_type is None or target is None or _TARGET_MODE.search(relationship):
            continue
        kind_name = link_type[1].rstrip("/").rpartition("/")[2].lower()
        if kind_name in _UNREADABLE_SHEETS:
            raise UnsupportedWorkbook(
                f"{path}: holds {_UNREADABLE_SHEETS[kind_name]}, which boardpack's reader "
                "cannot open, so saving it again would not help; copy the plan's sheets into a "
                "new workbook (right-click each tab > Move or Copy > (new book)) and give "
                "boardpack that"
            )
        if kind_name in ("worksheet", "sharedstrings", "styles"):
            part = _resolve(folder, target[1])
            if part.lower() not in by_name:
                missing.append(part)
    if missing:
        raise DamagedWorkbook(
            f"{path}: is an incomplete workbook: its parts {_some(missing)} are listed but "
            "missing, perhaps cut short in copying; ask for the file again"
            if len(missing) > 1
            else f"{path}: is an incomplete workbook: its part {missing[0]} is listed but "
            "missing, perhaps cut short in copying; ask for the file again"
        )


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name (targets are relative to the source's folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = folder.split("/") if folder else []
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _some(names: list[str]) -> str:
    """A few part names for a message: "a, b, c and 4 more"."""
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")


def _read_small_text(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str:
    """The first 64 KB of a small identifying part, as text (for sniffing, not parsing)."""
    with archive.open(member) as stream:
        return _xml_text(stream.read(_PROLOG_LIMIT))


# Byte marks that a worksheet may hold a formula (every formula's XML ends "f>": </f> or a
# prefixed </x:f>) or an error cell (t="e"). A false alarm only costs a closer look later.
_FORMULA_MARK = b"f>"
_ERROR_MARK = b't="e"'
_MARKS = (_FORMULA_MARK, _ERROR_MARK)


def _inflate_with_caps(
    path: Path,
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    limits: Limits,
    unread: frozenset[str] | set[str] = frozenset(),
) -> dict[str, set[bytes]]:
    """Inflate every part in chunks, so that a lie in the zip's directory comes out here.

    zipfile never returns more than a part's declared size (which ``_check_directory`` has
    capped) and checks the CRC when it gets there, so a directory that understates a bomb's
    size ends as a damaged file after inflating no more than was declared. On the way
    through, the head of each XML part is checked and worksheets are measured; memory stays
    at one chunk whatever the part's size.

    The parts in ``unread`` (pivot caches, pictures, embedded files: nothing boardpack or
    its reader opens) have only their heads inflated and checked: their size is already
    capped by the directory, and inflating a 50 MB pivot cache would cost validation more
    than reading the plan does.
    """
    markers: dict[str, set[bytes]] = {}
    for member in members:
        if member.filename in unread:
            with archive.open(member) as stream:
                _check_xml_prolog(path, member.filename, stream.read(_PROLOG_LIMIT))
            continue
        extent: _SheetExtent | None = None
        found: set[bytes] = set()
        with archive.open(member) as stream:
            first = True
            tail = b""
            while chunk := stream.read(_CHUNK):
                if first and member.filename.lower() != _ODF_MANIFEST:
                    root = _check_xml_prolog(path, member.filename, chunk)
                    extent = _SheetExtent() if root == "worksheet" else None
                first = False
                if extent is not None:
                    extent.feed(chunk)
                    window = tail + chunk  # a mark may straddle two chunks
                    found.update(mark for mark in _MARKS if mark not in found and mark in window)
                    tail = chunk[-8:]
        if extent is not None:
            markers[member.filename] = found
            if extent.bound() > limits.max_cells:
                _check_cells_with_values(path, archive, member, limits)
    return markers


# Relationship types (their last segment) of parts that neither boardpack nor python-calamine
# ever opens while reading a workbook: the bulk of many real workbooks' bytes.
_UNREAD_KINDS = frozenset(
    {
        "pivotCacheRecords",
        "pivotCacheDefinition",
        "image",
        "oleObject",
        "package",
        "printerSettings",
        "vbaProject",
        "video",
        "audio",
        "media",
    }
)
# Parts readers open by name (in the workbook part's folder, wherever that is) rather than
# by following a relationship.
_OPENED_BY_NAME = frozenset(
    {"[content_types].xml", "workbook.xml", "sharedstrings.xml", "styles.xml"}
)
_RELATIONSHIPS_LIMIT = 4 * MB


def _parts_no_reader_opens(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """Parts that are only ever the target of relationships in ``_UNREAD_KINDS``.

    A part that anything else points at (a worksheet some hostile file also calls a
    picture), or that a reader opens by name, is not one of them; nor is any part when a
    relationships part is too large to read whole here.
    """
    unread: set[str] = set()
    others: set[str] = set()
    for member in members:
        name = member.filename
        if not name.lower().endswith(".rels"):
            continue
        if member.file_size > _RELATIONSHIPS_LIMIT:
            return set()
        with archive.open(member) as stream:
            text = _xml_text(stream.read(_RELATIONSHIPS_LIMIT))
        folder = name.rpartition("/")[0].rpartition("/")[0]  # "xl/_rels/a.rels" -> "xl"
        for relationship in _RELATIONSHIP.findall(text):
            link_type, target = _TYPE.search(relationship), _TARGET.search(relationship)
            if link_type is None or target is None or _TARGET_MODE.search(relationship):
                continue
            part = _resolve(folder, target[1]).lower()
            kind = link_type[1].rstrip("/").rpartition("/")[2]
            (unread if kind in _UNREAD_KINDS else others).add(part)
    unread -= others
    return {
        member.filename
        for member in members
        if member.filename.lower() in unread
        and member.filename.lower().rpartition("/")[2] not in _OPENED_BY_NAME
        and not member.filename.lower().endswith(".rels")
    }


def read_part(
    path: Path, archive: zipfile.ZipFile, name: str, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """One part of a package that passed the front door, inflated in chunks and measured as
    it grows, so no more than the one-part limit is ever held whatever the zip's directory
    declares. Raises ``WorkbookTooLarge`` past the limit, ``DamagedWorkbook`` for a part
    that is missing or does not inflate to its checksum."""
    try:
        member = archive.getinfo(name)
        pieces = []
        total = 0
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                _check_part_size(path, name, total, limits)
                pieces.append(chunk)
    except KeyError:
        raise DamagedWorkbook(
            f"{path}: the part {name} is missing; ask for the file again"
        ) from None
    except ZIP_ERRORS:
        raise DamagedWorkbook(f"{path}: {_DAMAGED_ZIP}") from None
    return b"".join(pieces)


def _check_cells_with_values(
    path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits
) -> None:
    """Refuse a sheet whose cells with values span more of the grid than ``max_cells``.

    Only sheets whose rows and columns could span that much get this slower, second pass:
    formatting alone (styled empty cells out to XFD1048576) is harmless, a value out there
    is not.
    """
    extent = _SheetExtent(values_only=True)
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            extent.feed(chunk)
    if extent.bound() > limits.max_cells:
        raise UnsafeWorkbook(
            f"{path}: the worksheet {member.filename} has values as far out as "
            f"{column_letter(extent.last_column)}{extent.last_row}, "
            f"{extent.bound():,} cells in all, more than the {limits.max_cells:,} boardpack "
            "reads; delete the stray cells beyond your data and save it again"
        )


class _SheetExtent:
    """The rows and columns a worksheet's cells reach, read from their A1 references.

    The spreadsheet reader builds a dense grid from the first to the last cell that holds a
    value, so a single value in XFD1048576 asks it for 17 billion cells and kills the
    process. The fast pass counts every row and every cell (formatted or not) and costs a
    few milliseconds per thousand rows; ``values_only`` counts cells that have content.

    A cell's own reference counts, not only its row's: calamine places a cell by its ``r``
    attribute, wherever that stands in the tag, so ``<c r="XFD1048577">`` inside
    ``<row r="2">`` asks for the whole grid too.
    """

    _ROW = re.compile(rb'<row r="([0-9]{1,7})"')
    # References in any attribute order: wide columns (AA and beyond) at any row, and any
    # reference at row 400,000 or more (where 26 columns already pass the default limit).
    _WIDE_REFERENCE = re.compile(rb' r="([A-Z]{2,3})([0-9]+)"')
    _DEEP_REFERENCE = re.compile(rb' r="([A-Z]?)((?:[4-9][0-9]{5}|[0-9]{7,}))"')
    # "[^<>]": a start tag ends before the next "<", so each "<c" is scanned only as far as
    # that, and a hostile run of "<c" with no ">" costs linear time, not quadratic.
    _VALUED_CELL = re.compile(rb'<(?:\w+:)?c\b[^<>]*? r="([A-Z]{1,3})([0-9]+)"[^<>]*?(/?)>')

    def __init__(self, values_only: bool = False) -> None:
        self._values_only = values_only
        self._carry = b""
        self.first_row = self.first_column = 0
        self.last_row = self.last_column = 0

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk of the part; tags cut by a chunk edge are kept for the next."""
        data = self._carry + chunk
        cut = data.rfind(b"<")
        cut = len(data) if cut < 0 else cut
        data, self._carry = data[:cut], data[cut:]
        if self._values_only:
            for letters, row, closed in self._VALUED_CELL.findall(data):
                if not closed:
                    self._include(int(row), column_number(letters))
            return
        rows = [int(row) for row in self._ROW.findall(data)]
        if rows:
            self._include(min(rows), 1)
            self._include(max(rows), 1)
        references = set(self._WIDE_REFERENCE.findall(data))
        references.update(self._DEEP_REFERENCE.findall(data))
        for letters, row in references:
            self._include(int(row), column_number(letters) if letters else 1)

    def _include(self, row: int, column: int) -> None:
        if not self.first_row:
            self.first_row, self.first_column = row, column
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
        self.first_column = min(self.first_column, column)
        self.last_column = max(self.last_column, column)

    def bound(self) -> int:
        """How many cells the grid from the first to the last cell holds."""
        if not self.last_row:
            return 0
        if not self._values_only:
            return self.last_row * max(self.last_column, 26)  # 26: any one-letter column
        rows = self.last_row - self.first_row + 1
        return rows * (self.last_column - self.first_column + 1)


def _check_ods_encryption(
    path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> None:
    manifest = next((m for m in members if m.filename.lower() == _ODF_MANIFEST), None)
    if manifest is None or manifest.file_size > _MANIFEST_LIMIT:
        return
    with archive.open(manifest) as stream:
        if b"encryption-data" in stream.read(_MANIFEST_LIMIT):
            raise PasswordProtected(
                f"{path}: is password-protected; open it in LibreOffice, save it again "
                "without the password (File > Save As, untick 'Save with password') and retry"
            )


_MANIFEST_LIMIT = 4 * MB


# --- The head of XML parts ---------------------------------------------------------------

_PROLOG_LIMIT = 64 * KB
# Encodings in which "<!DOCTYPE" is plain ASCII bytes (or that _xml_text decodes itself).
_KNOWN_ENCODING = re.compile(
    r"utf-?8|utf-?16(-?[lb]e)?|utf-?32(-?[lb]e)?|(us-)?ascii|iso-8859-\d+|latin-?1"
    r"|(windows|cp)-?125\d",
    re.IGNORECASE,
)
_ROOT_NAME = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)")
_ENCODING_DECLARATION = re.compile(r"""^<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


def _xml_text(head: bytes) -> str:
    """The head of a part as text: UTF-16 and UTF-32 decoded, anything else byte for byte."""
    for prefix, codec, width in (
        (b"\xff\xfe\x00\x00", "utf-32", 4),
        (b"\x00\x00\xfe\xff", "utf-32", 4),
        (b"<\x00\x00\x00", "utf-32-le", 4),
        (b"\x00\x00\x00<", "utf-32-be", 4),
        (b"\xff\xfe", "utf-16", 2),
        (b"\xfe\xff", "utf-16", 2),
        (b"<\x00", "utf-16-le", 2),
        (b"\x00<", "utf-16-be", 2),
    ):
        if head.startswith(prefix):
            return head[: len(head) // width * width].decode(codec, errors="replace")
    # Latin-1 maps every byte to one character, so ASCII markup in UTF-8 (or any other
    # ASCII-compatible encoding) is found as it is.
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


# A DOCTYPE that only names an external DTD by a relative file name, as OpenOffice and
# LibreOffice write at the top of every Basic module and dialog ("module.dtd"): no parser
# boardpack uses fetches it, and it declares nothing.
_NAMING_DOCTYPE = re.compile(
    r"""<!DOCTYPE\s+[\w:.-]+(?:\s+(?:PUBLIC\s+(?:"[^"]*"|'[^']*')|SYSTEM)"""
    r"""\s+(?:"([^":]*)"|'([^':]*)'))?\s*>"""
)
# Byte order marks and first bytes of XML written in UTF-16 or UTF-32.
_WIDE_XML = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00")
# Root elements of the parts python-calamine parses (sheets, workbook, styles, relationships,
# an .ods's content); shared strings, content types and properties it reads in UTF-16 too.
_PARTS_CALAMINE_PARSES = frozenset(
    {"worksheet", "workbook", "styleSheet", "Relationships", "document-content"}
)


def _harmless_doctype_end(path: Path, name: str, text: str, position: int) -> int:
    """Where a harmless DOCTYPE at ``position`` ends; refuse any other kind of declaration."""
    naming = _NAMING_DOCTYPE.match(text, position)
    if naming:
        return naming.end()
    declaration = text[position : position + _PROLOG_LIMIT]
    if "<!ENTITY" in declaration:
        raise UnsafeWorkbook(
            f"{path}: the part {name} declares XML entities, which no real workbook does and "
            "which XML entity attacks rely on; boardpack will not read it"
        )
    raise UnsafeWorkbook(
        f"{path}: the part {name} declares a DOCTYPE with its own definitions or an outside "
        "address, which no real workbook has and which XML attacks rely on; boardpack will "
        "not read it"
    )


def _check_xml_prolog(path: Path, name: str, head: bytes) -> str | None:
    """Refuse an XML part whose prolog declares entities or an external DTD at an address.

    Returns the local name of the root element ("worksheet", "sst"...), or None for a part
    that is not XML.
    """
    text = _xml_text(head[:_PROLOG_LIMIT]).lstrip("\ufeff")
    if not text.lstrip().startswith("<"):
        return None  # not XML: a picture, a binary part, a mimetype
    declared = _ENCODING_DECLARATION.match(text)
    if declared and not _KNOWN_ENCODING.fullmatch(declared.group(1).strip()):
        raise UnsafeWorkbook(
            f"{path}: the part {name} uses an unusual character encoding "
            f'("{declared.group(1)}") that Excel never writes; boardpack will not read it'
        )
    position = 0
    while True:
        position = len(text) - len(text[position:].lstrip(" \t\r\n"))
        if text.startswith("<?", position):
            end, width = text.find("?>", position + 2), 2
        elif text.startswith("<!--", position):
            end, width = text.find("-->", position + 4), 3
        elif text.startswith("<!", position):
            end, width = _harmless_doctype_end(path, name, text, position), 0
        else:
            root = _ROOT_NAME.match(text, position)
            root_name = root.group(1) if root else None  # the prolog is over
            if root_name in _PARTS_CALAMINE_PARSES and head.startswith(_WIDE_XML):
                raise UnsupportedWorkbook(
                    f"{path}: the part {name} is written in UTF-16, which Excel never writes "
                    "and boardpack's reader cannot read (it would see nothing in it); "
                    "LibreOffice opens it: save it from there as .xlsx"
                )
            return root_name
        if end < 0:
            raise UnsafeWorkbook(
                f"{path}: the part {name} has an XML header longer than "
                f"{format_size(_PROLOG_LIMIT)}, which no real workbook has; "
                "boardpack will not read it"
            )
        position = end + width


# --- OLE2 compound files: .xls, and encrypted .xlsx/.xlsb --------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_PASSWORD = (
    "is password-protected; remove the password in Excel (File > Info > Protect Workbook > "
    "Encrypt with Password) and save it again"
)
_DAMAGED_OLE2 = (
    "is damaged (its internal structure cannot be read); ask for the file again, "
    "or open it in Excel and save it as .xlsx"
)
_BIFF_HEAD = 8 * KB


def _inspect_ole2(
    path: Path, file: BinaryIO, limits: Limits, *, try_default_password: bool = True
) -> Inspection:
    size = file.seek(0, 2)
    if size > limits.max_size:
        raise WorkbookTooLarge(
            f"{path}: is larger than {format_size(limits.max_size)}, the size limit",
            limit=limits.max_size,
        )
    compound = _open_compound_file(path, file)
    names = compound.root_names
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return _decrypted(path, file, compound, limits, try_default_password)
    stream = next((name for name in ("workbook", "book") if name in names), None)
    if stream is not None:
        if _biff_is_encrypted(compound.head(path, stream, _BIFF_HEAD)):
            return _decrypted(path, file, compound, limits, try_default_password)
        return Inspection(WorkbookKind.XLS)
    if "worddocument" in names:
        raise NotAWorkbook(
            f"{path}: is a Word 97-2003 document, not a workbook; {_GIVE_THE_WORKBOOK}"
        )
    if "powerpoint document" in names:
        raise NotAWorkbook(
            f"{path}: is a PowerPoint 97-2003 presentation, not a workbook; {_GIVE_THE_WORKBOOK}"
        )
    raise NotAWorkbook(
        f"{path}: is an older Office file but not an Excel workbook; {_GIVE_THE_WORKBOOK}"
    )


# Excel encrypts with this password when sheet or workbook protection is saved with
# "encrypt" but no password of the user's, and opens such files without asking.
_EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"
# Excel hashes the password 100,000 times; the format allows 10 million, which would keep a
# hostile file busy for tens of seconds, so more than this is not tried.
_MOST_SPINS = 1_000_000
_ENCRYPTION_INFO_LIMIT = 64 * KB


def _decrypted(
    path: Path, file: BinaryIO, compound: _CompoundFile, limits: Limits, allowed: bool
) -> Inspection:
    """Open a workbook encrypted with Excel's default password as Excel does, or refuse it
    as password-protected. The decrypted workbook passes the front door in its turn."""
    data = _decrypt_with_default_password(path, file, compound) if allowed else None
    if data is None:
        raise PasswordProtected(f"{path}: {_OLE2_PASSWORD}")
    inner = io.BytesIO(data)
    if data.startswith(_ZIP_MAGIC):
        inspection = _inspect_zip(path, inner, limits)
    elif data.startswith(_OLE2_MAGIC):
        inspection = _inspect_ole2(path, inner, limits, try_default_password=False)
    else:
        raise DamagedWorkbook(f"{path}: {_DAMAGED_OLE2}")
    return replace(inspection, decrypted=data)


def _decrypt_with_default_password(
    path: Path, file: BinaryIO, compound: _CompoundFile
) -> bytes | None:
    """The workbook decrypted with Excel's default password, or None if that is not it."""
    if "encryptioninfo" in compound.root_names:
        info = compound.head(path, "encryptioninfo", _ENCRYPTION_INFO_LIMIT + 1)
        # msoffcrypto-tool reads this XML with minidom: nothing with a DOCTYPE reaches it.
        if len(info) > _ENCRYPTION_INFO_LIMIT or b"<!" in info:
            return None
    # Imported here: it brings in cryptography, which only encrypted workbooks need.
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    file.seek(0)
    try:
        # msoffcrypto-tool warns about the old ciphers Excel 97-2003 used; it is what they are.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            office = msoffcrypto.OfficeFile(file)
            if int(getattr(office, "info", {}).get("spinValue", 0) or 0) > _MOST_SPINS:
                return None
            if isinstance(office, OOXMLFile):
                office.load_key(password=_EXCEL_DEFAULT_PASSWORD, verify_password=True)
            else:
                office.load_key(password=_EXCEL_DEFAULT_PASSWORD)
            decrypted = io.BytesIO()
            office.decrypt(decrypted)
    # A wrong password and a malformed encryption header end the same way: the user is
    # told the workbook is password-protected. Nothing from parsing it may escape.
    except Exception:
        return None
    return decrypted.getvalue()


@dataclass
class _CompoundFile:
    """An OLE2 compound file opened by olefile, with the names of its top-level streams."""

    ole: Any  # olefile.OleFileIO
    root_names: frozenset[str]

    def head(self, path: Path, name: str, limit: int) -> bytes:
        """The first ``limit`` bytes of the top-level stream ``name`` (lower case)."""
        try:
            entry = self.ole.direntries[self.ole._find([name])]
            # olefile's openstream reads a whole stream into memory; a stream held in
            # ordinary sectors is read only as far as ``limit`` through its sector chain.
            if entry.size >= self.ole.minisectorcutoff:
                stream = self.ole._open(entry.isectStart, min(entry.size, limit), force_FAT=True)
            else:
                stream = self.ole.openstream([name])
            return bytes(stream.read(limit))
        except Exception:  # olefile parsing untrusted bytes: any failure is the file's
            raise DamagedWorkbook(f"{path}: {_DAMAGED_OLE2}") from None


def _open_compound_file(path: Path, file: BinaryIO) -> _CompoundFile:
    """Open the compound file with olefile, which checks its sector chains for loops and
    bounds every table by the file's size; any failure there is a damaged file."""
    import olefile  # imported here: most workbooks are zips, and it adds to start-up

    file.seek(0)
    try:
        ole = olefile.OleFileIO(file)
        names = frozenset(entry[0].lower() for entry in ole.listdir(streams=True, storages=True))
    except Exception:  # olefile parsing untrusted bytes: any failure is the file's
        raise DamagedWorkbook(f"{path}: {_DAMAGED_OLE2}") from None
    return _CompoundFile(ole, names)


_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_EOF = 0x000A


def _biff_is_encrypted(head: bytes) -> bool:
    """True if the workbook globals hold a FILEPASS record (the .xls is encrypted)."""
    position = 0
    while position + 4 <= len(head):
        record, length = struct.unpack_from("<HH", head, position)
        if record == _BIFF_FILEPASS:
            return True
        if record in (_BIFF_BOUNDSHEET, _BIFF_EOF):
            return False
        position += 4 + length
    return False
