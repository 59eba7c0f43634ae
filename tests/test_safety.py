"""The front door: every file is either a known kind of workbook or a clear refusal."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.common.sizes import KB, MB
from generator.errors import (
    DamagedWorkbook,
    FileNotReadable,
    NotAWorkbook,
    PasswordProtected,
    UnreadableWorkbook,
    UnsafeWorkbook,
    UnsupportedWorkbook,
    WorkbookTooLarge,
)
from generator.read.guard import (
    DEFAULT_LIMITS,
    Limits,
    WorkbookKind,
    inspect_workbook_file,
)
from tests import hostile

REPOSITORY = Path(__file__).resolve().parent.parent


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> UnreadableWorkbook:
    """The error inspecting ``path`` raises, checked to be one line that names the file."""
    with pytest.raises(UnreadableWorkbook) as caught:
        inspect_workbook_file(path, limits)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return caught.value


# --- Paths that are not files --------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert type(refusal(tmp_path / "plan.xlsx")) is FileNotReadable


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "plan.xlsx"
    folder.mkdir()
    assert type(refusal(folder)) is FileNotReadable


def test_named_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "plan.xlsx"
    os.mkfifo(pipe)
    assert type(refusal(pipe)) is FileNotReadable


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.write_plain_xlsx(tmp_path / "plan.xlsx")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Tests may run as root, where chmod 000 does not stop a read.
    monkeypatch.setattr(Path, "open", deny)
    error = refusal(path)
    assert type(error) is FileNotReadable
    assert "permission" in str(error)


# --- Files that are something else -----------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda path: path.write_bytes(b""), NotAWorkbook),
        (hostile.write_text_as_xlsx, NotAWorkbook),
        (hostile.write_html_as_xlsx, NotAWorkbook),
        (lambda path: path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), NotAWorkbook),
        (lambda path: path.write_bytes(bytes(range(256)) * 8), NotAWorkbook),
        (hostile.write_docx_as_xlsx, NotAWorkbook),
        (hostile.write_plain_zip_as_xlsx, NotAWorkbook),
        (hostile.write_truncated, DamagedWorkbook),
        (
            lambda path: path.write_text(
                '<?xml version="1.0"?><Workbook '
                'xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
            ),
            UnsupportedWorkbook,
        ),
    ],
    ids=["empty", "csv", "html", "pdf", "binary", "docx", "zip", "truncated", "excel-2003-xml"],
)
def test_not_a_workbook(tmp_path: Path, write: Callable[[Path], object], expected: type) -> None:
    path = tmp_path / "plan.xlsx"
    write(path)
    assert type(refusal(path)) is expected


def test_powerpoint_renamed(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        )
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    assert type(refusal(path)) is NotAWorkbook


def test_text_in_a_workbook_name_says_it_is_text(tmp_path: Path) -> None:
    error = refusal(hostile.write_text_as_xlsx(tmp_path / "plan.xlsx"))
    assert "text" in str(error)


# --- Workbooks, by their bytes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("xlsxwriter__table01.xlsx", WorkbookKind.XLSX),
        ("openpyxl__empty.xltx", WorkbookKind.XLSX),
        ("calamine__vba.xlsm", WorkbookKind.XLSM),
        ("openpyxl__empty.xltm", WorkbookKind.XLSM),
        ("poi__Simple.xlsb", WorkbookKind.XLSB),
        ("calamine__date.xls", WorkbookKind.XLS),
        ("poi__testEXCEL_95.xls", WorkbookKind.XLS),
        ("calamine__merge_cells.xls", WorkbookKind.XLS),  # an .xls with a zip inside it
        ("xlrd__sample.ods", WorkbookKind.ODS),
        ("poi__SampleSS.strict.xlsx", WorkbookKind.XLSX),
        ("calamine__minimal_package.xlsx", WorkbookKind.XLSX),
        # Its XML map names an external schema, but in a part no reader parses and
        # without a DOCTYPE: nothing is fetched, so it is a workbook like any other.
        ("poi__xxe_in_schema.xlsx", WorkbookKind.XLSX),
        # Styled empty cells out to XFD1048576: formatting alone is harmless.
        ("calamine__issue_174.xlsx", WorkbookKind.XLSX),
    ],
)
def test_kinds_from_the_corpus(corpus: Path, name: str, kind: WorkbookKind) -> None:
    assert inspect_workbook_file(corpus / name) is kind


def test_kind_ignores_the_file_name(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes((corpus / "calamine__date.xls").read_bytes())
    assert inspect_workbook_file(path) is WorkbookKind.XLS


def test_only_office_open_xml_is_for_openpyxl() -> None:
    assert {kind for kind in WorkbookKind if kind.is_office_open_xml} == {
        WorkbookKind.XLSX,
        WorkbookKind.XLSM,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("calamine__pass_protected.xlsx", PasswordProtected),  # OLE2 EncryptedPackage
        ("excelize__encryptAES.xlsx", PasswordProtected),
        ("poi__protected_passtika.xlsb", PasswordProtected),
        ("poi__password.xls", PasswordProtected),  # RC4, FILEPASS record
        ("poi__xor-encryption-abc.xls", PasswordProtected),  # XOR, in the mini stream
        ("calamine__pass_protected.ods", PasswordProtected),  # manifest encryption-data
        ("poi__testEXCEL_3.xls", UnsupportedWorkbook),  # bare BIFF3 stream
        ("calamine__too_small.xls", NotAWorkbook),
        ("openpyxl__null_file.xlsx", NotAWorkbook),
        ("poi__invalid.xlsx", NotAWorkbook),  # an empty zip
        ("calamine__issue252.xlsx", DamagedWorkbook),  # CRC mismatch
        ("poi__crash-274d6342e4842d61be0fb48eaadad6208ae767ae.xlsx", DamagedWorkbook),
        ("poi__clusterfuzz-testcase-minimized-POIHSSFFuzzer-6137883240824832.xls", DamagedWorkbook),
        ("poi__duplicate-filename.xlsx", DamagedWorkbook),
        ("poi__poc-xmlbomb.xlsx", UnsafeWorkbook),
        ("poi__poc-xmlbomb-empty.xlsx", UnsafeWorkbook),
    ],
)
def test_refusals_from_the_corpus(corpus: Path, name: str, expected: type) -> None:
    assert type(refusal(corpus / name)) is expected


def test_workbook_settings_protection_is_not_encryption(corpus: Path) -> None:
    """A structure-protection password leaves the file readable."""
    path = corpus / "poi__workbookProtection-workbook_password-2013.xlsx"
    assert inspect_workbook_file(path) is WorkbookKind.XLSX


def test_every_corpus_file_gets_a_kind_or_a_refusal(corpus_file: Path) -> None:
    try:
        assert isinstance(inspect_workbook_file(corpus_file), WorkbookKind)
    except UnreadableWorkbook as error:
        assert str(error).startswith(f"{corpus_file}: ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(
        ["pycalamine__base.xlsx", "calamine__date.xls", "pycalamine__base.ods", "poi__Simple.xlsb"]
    ),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_damaged_bytes_never_escape_as_other_errors(
    corpus: Path,
    tmp_path_factory: pytest.TempPathFactory,
    source: str,
    cut: float,
    flips: list[tuple[float, int]],
) -> None:
    data = bytearray((corpus / source).read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = data[: max(1, int(len(data) * cut))] if cut < 0.98 else data
    path = tmp_path_factory.mktemp("fuzz") / source
    path.write_bytes(bytes(data))
    with contextlib.suppress(UnreadableWorkbook):
        inspect_workbook_file(path)


# --- Zip bombs and archive tricks ----------------------------------------------------------

# Linux keeps a process's peak resident size across fork and exec, so a child of a test
# process that has grown to 500 MB starts with a "peak" of 500 MB whatever it does: the
# subprocess resets its high-water mark first (clear_refs 5) and reads VmHWM after.
_MEASURE = """
import json, sys
from pathlib import Path
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
from generator.errors import UnreadableWorkbook
from generator.read.guard import inspect_workbook_file
outcome = "read"
try:
    inspect_workbook_file(Path(sys.argv[1]))
except UnreadableWorkbook as error:
    outcome = type(error).__name__
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "peak": peak_kb * 1024}))
"""


def inspect_in_subprocess(path: Path) -> dict[str, object]:
    """Inspect ``path`` in a fresh interpreter and report the outcome and peak memory."""
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPOSITORY,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_zip_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = hostile.write_zip_bomb(tmp_path / "bomb.xlsx", inflated_bytes=1_500_000_000)
    assert bomb.stat().st_size < 2 * MB
    result = inspect_in_subprocess(bomb)
    assert result["outcome"] == "WorkbookTooLarge"  # an UnsafeWorkbook: past the size limit
    assert isinstance(result["peak"], int) and result["peak"] < 400 * MB


def test_zip_bomb_behind_a_lying_directory_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = hostile.write_zip_bomb(
        tmp_path / "bomb.xlsx", inflated_bytes=1_500_000_000, declared_bytes=4 * KB
    )
    result = inspect_in_subprocess(bomb)
    assert result["outcome"] == "DamagedWorkbook"
    assert isinstance(result["peak"], int) and result["peak"] < 400 * MB


def test_a_large_part_that_packs_too_well_is_refused(tmp_path: Path) -> None:
    bomb = hostile.write_zip_bomb(tmp_path / "bomb.xlsx", inflated_bytes=40 * MB)
    assert type(refusal(bomb)) is UnsafeWorkbook


def test_a_small_part_that_packs_well_is_fine(tmp_path: Path) -> None:
    padded = hostile.write_zip_bomb(tmp_path / "padded.xlsx", inflated_bytes=2 * MB)
    assert inspect_workbook_file(padded) is WorkbookKind.XLSX


def test_part_and_total_size_limits(tmp_path: Path) -> None:
    padded = hostile.write_zip_bomb(tmp_path / "padded.xlsx", inflated_bytes=2 * MB)
    assert type(refusal(padded, Limits(max_part_size=1 * MB))) is WorkbookTooLarge
    assert type(refusal(padded, Limits(max_size=1 * MB))) is WorkbookTooLarge
    assert inspect_workbook_file(padded, Limits().with_max_size(3 * MB)) is WorkbookKind.XLSX


def test_too_many_parts(tmp_path: Path) -> None:
    path = hostile.write_plain_xlsx(tmp_path / "plan.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(20):
            archive.writestr(f"xl/media/image{number}.png", b"\x89PNG")
    assert type(refusal(path, Limits(max_parts=20))) is UnsafeWorkbook
    assert inspect_workbook_file(path, Limits(max_parts=30)) is WorkbookKind.XLSX


def test_an_xls_larger_than_the_limit(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "calamine__date.xls"
    assert type(refusal(path, Limits(max_size=1 * KB))) is WorkbookTooLarge


def _patch_every(data: bytes, signature: bytes, offset: int, value: bytes) -> bytes:
    patched = bytearray(data)
    start = patched.find(signature)
    while start >= 0:
        patched[start + offset : start + offset + len(value)] = value
        start = patched.find(signature, start + 1)
    return bytes(patched)


def test_overlapping_parts_are_refused(tmp_path: Path) -> None:
    """Fifield's non-recursive bomb: many directory entries sharing one packed stream."""
    path = hostile.write_plain_xlsx(tmp_path / "plan.xlsx")
    data = path.read_bytes()
    directory = data.find(b"PK\x01\x02")
    sheet_entry = data.find(b"PK\x01\x02", data.find(b"xl/worksheets/sheet1.xml", directory) - 60)
    end = data.find(b"PK\x05\x06")
    entry = data[sheet_entry : data.find(b"PK", sheet_entry + 4)]
    copies = [entry.replace(b"sheet1.xml", f"s{number:05}.xml".encode()) for number in range(50)]
    count = int.from_bytes(data[end + 10 : end + 12], "little") + len(copies)
    tail = bytearray(data[end:])
    tail[8:10] = tail[10:12] = count.to_bytes(2, "little")
    tail[12:16] = (end - directory + len(copies) * len(entry)).to_bytes(4, "little")
    path.write_bytes(data[:end] + b"".join(copies) + bytes(tail))
    assert type(refusal(path)) is UnsafeWorkbook


def test_zip_level_encryption(tmp_path: Path) -> None:
    path = hostile.write_plain_xlsx(tmp_path / "plan.xlsx")
    data = _patch_every(path.read_bytes(), b"PK\x01\x02", 8, b"\x01\x00")
    path.write_bytes(_patch_every(data, b"PK\x03\x04", 6, b"\x01\x00"))
    assert type(refusal(path)) is PasswordProtected


def test_compression_excel_never_uses(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    source = hostile.write_plain_xlsx(tmp_path / "source.xlsx")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as out:
        for info in original.infolist():
            out.writestr(info.filename, original.read(info))
    assert type(refusal(path)) is DamagedWorkbook


# --- XML attacks -------------------------------------------------------------------------


def test_billion_laughs(tmp_path: Path) -> None:
    assert type(refusal(hostile.write_billion_laughs(tmp_path / "laughs.xlsx"))) is UnsafeWorkbook


def test_external_entity(tmp_path: Path) -> None:
    path = hostile.write_external_entity(tmp_path / "xxe.xlsx")
    assert type(refusal(path)) is UnsafeWorkbook


def _with_shared_strings(path: Path, shared_strings: bytes) -> Path:
    source = hostile.write_plain_xlsx(path.with_suffix(".source.xlsx"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as archive:
        for info in original.infolist():
            is_shared_strings = info.filename == "xl/sharedStrings.xml"
            archive.writestr(info, shared_strings if is_shared_strings else original.read(info))
    return path


@pytest.mark.parametrize(
    "shared_strings",
    [
        # behind a comment, and behind a long run of whitespace
        b'<?xml version="1.0"?><!-- <sst> --><!DOCTYPE sst [<!ENTITY a "b">]><sst/>',
        b'<?xml version="1.0"?>' + b" " * 50_000 + b'<!DOCTYPE sst [<!ENTITY a "b">]><sst/>',
        # in UTF-16, where the bytes of "<!DOCTYPE" do not appear
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY a "b">]><sst/>'.encode(
            "utf-16"
        ),
        # an encoding whose bytes are not ASCII-compatible
        b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE sst+AD4-<sst/>',
        # a header that never ends
        b'<?xml version="1.0"?><!--' + b" " * 100_000,
    ],
    ids=["after-comment", "after-whitespace", "utf-16", "utf-7", "endless-header"],
)
def test_doctype_hidden_in_the_header(tmp_path: Path, shared_strings: bytes) -> None:
    path = _with_shared_strings(tmp_path / "plan.xlsx", shared_strings)
    assert type(refusal(path)) is UnsafeWorkbook


def test_comments_and_byte_order_marks_before_the_root_are_fine(tmp_path: Path) -> None:
    shared = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- written by hand -->\n<sst count="0"/>'
    path = _with_shared_strings(tmp_path / "plan.xlsx", shared)
    assert inspect_workbook_file(path) is WorkbookKind.XLSX


# --- Sheets that reach too far -------------------------------------------------------------


def test_a_value_in_the_last_cell_is_refused(tmp_path: Path) -> None:
    path = hostile.write_far_value(tmp_path / "far.xlsx")
    assert type(refusal(path)) is UnsafeWorkbook


def test_a_lying_dimension_is_fine(tmp_path: Path) -> None:
    path = hostile.write_lying_dimension(tmp_path / "dimension.xlsx")
    assert inspect_workbook_file(path) is WorkbookKind.XLSX


def test_styled_empty_rows_are_fine(tmp_path: Path) -> None:
    path = hostile.write_styled_empty_rows(tmp_path / "styled.xlsx", n=300_000)
    assert inspect_workbook_file(path) is WorkbookKind.XLSX


def test_cell_limit_counts_only_the_span_of_values(tmp_path: Path) -> None:
    path = hostile.write_plain_xlsx(tmp_path / "plan.xlsx")  # 4 rows by 6 columns
    assert inspect_workbook_file(path, Limits(max_cells=24)) is WorkbookKind.XLSX
    assert type(refusal(path, Limits(max_cells=23))) is UnsafeWorkbook
