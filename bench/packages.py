"""Workbooks with the features real council templates carry, for benchmarks and tests.

* ``add_pivot_table``: a pivot table on the Sections sheet whose cache holds ``records``
  records (openpyxl cannot write pivot tables, so the parts are written here as Excel
  lays them out: a cache definition, its records, the table, and the relationships).
* ``add_validations``: data validations and conditional formats on whole columns of the
  Actions sheet, as templates that colour and restrict every row of a column do.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STATUSES = ("Blue", "Green", "Amber", "Red")

PIVOT_PARTS = (
    "xl/pivotCache/pivotCacheDefinition1.xml",
    "xl/pivotCache/pivotCacheRecords1.xml",
    "xl/pivotTables/pivotTable1.xml",
)


def _relationships(*elements: str) -> str:
    return f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}">{"".join(elements)}</Relationships>'


def _pivot_parts(records: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    definition = (
        f'{_DECLARATION}<pivotCacheDefinition {_NS} r:id="rId1" refreshOnLoad="1" '
        f'recordCount="{records}"><cacheSource type="worksheet"><worksheetSource '
        'ref="A1:N6" sheet="Actions"/></cacheSource><cacheFields count="3">'
        '<cacheField name="Ref" numFmtId="0"><sharedItems/></cacheField>'
        '<cacheField name="Score" numFmtId="0"><sharedItems containsNumber="1"/></cacheField>'
        f'<cacheField name="Status" numFmtId="0"><sharedItems count="{len(_STATUSES)}">'
        + "".join(f'<s v="{status}"/>' for status in _STATUSES)
        + "</sharedItems></cacheField></cacheFields></pivotCacheDefinition>"
    )
    # Records vary as real ones do, so they pack about as tightly as real ones.
    rows = "".join(
        f'<r><s v="QP-{rng.randrange(10**9)}"/><n v="{rng.random():.12f}"/>'
        f'<x v="{number % len(_STATUSES)}"/></r>'
        for number in range(records)
    )
    table = (
        f'{_DECLARATION}<pivotTableDefinition {_NS} name="StatusCount" cacheId="7" '
        'dataCaption="Values" updatedVersion="6" minRefreshableVersion="3" createdVersion="6" '
        'outline="1" outlineData="1"><location ref="E3:F8" firstHeaderRow="1" '
        'firstDataRow="1" firstDataCol="1"/><pivotFields count="3"><pivotField showAll="0"/>'
        '<pivotField showAll="0"/><pivotField axis="axisRow" dataField="1" showAll="0">'
        '<items count="5"><item x="0"/><item x="1"/><item x="2"/><item x="3"/>'
        '<item t="default"/></items></pivotField></pivotFields><rowFields count="1">'
        '<field x="2"/></rowFields><rowItems count="5"><i><x/></i><i><x v="1"/></i>'
        '<i><x v="2"/></i><i><x v="3"/></i><i t="grand"><x/></i></rowItems>'
        '<colItems count="1"><i/></colItems><dataFields count="1"><dataField '
        'name="Count of Status" fld="2" subtotal="count" baseField="0" baseItem="0"/>'
        "</dataFields></pivotTableDefinition>"
    )
    return {
        PIVOT_PARTS[0]: definition,
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": _relationships(
            f'<Relationship Id="rId1" Type="{_REL}pivotCacheRecords" '
            'Target="pivotCacheRecords1.xml"/>'
        ),
        PIVOT_PARTS[1]: f'{_DECLARATION}<pivotCacheRecords {_NS} count="{records}">'
        f"{rows}</pivotCacheRecords>",
        PIVOT_PARTS[2]: table,
        "xl/pivotTables/_rels/pivotTable1.xml.rels": _relationships(
            f'<Relationship Id="rId1" Type="{_REL}pivotCacheDefinition" '
            'Target="../pivotCache/pivotCacheDefinition1.xml"/>'
        ),
    }


def add_pivot_table(source: Path, destination: Path, records: int = 100, seed: int = 0) -> Path:
    """Copy the plan ``source`` (as openpyxl writes one: Actions, then Sections) to
    ``destination`` with a pivot table counting statuses on its Sections sheet."""
    parts = _pivot_parts(records, seed)
    types = "".join(
        f'<Override PartName="/{part}" ContentType="{_TYPE}{kind}+xml"/>'
        for part, kind in zip(
            PIVOT_PARTS, ("pivotCacheDefinition", "pivotCacheRecords", "pivotTable")
        )
    )
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        names = set(original.namelist())
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdPivot1" Type="{_REL}pivotCacheDefinition" '
                    'Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'.encode(),
                )
            elif info.filename == "xl/workbook.xml":
                # The namespace on the element itself: openpyxl declares it on each sheet.
                data = data.replace(
                    b"</workbook>",
                    f'<pivotCaches><pivotCache xmlns:r="{_REL.rstrip("/")}" cacheId="7" '
                    'r:id="rIdPivot1"/></pivotCaches></workbook>'.encode(),
                )
            copy.writestr(info, data)
        if "xl/worksheets/_rels/sheet2.xml.rels" in names:
            raise ValueError("the Sections sheet already has relationships")
        parts["xl/worksheets/_rels/sheet2.xml.rels"] = _relationships(
            f'<Relationship Id="rId1" Type="{_REL}pivotTable" '
            'Target="../pivotTables/pivotTable1.xml"/>'
        )
        for name, text in parts.items():
            copy.writestr(name, text)
    return destination


def add_validations(path: Path, validations: int = 261, formats: int = 130) -> Path:
    """Give the plan at ``path`` ``validations`` data validations and ``formats``
    conditional formats, each on a whole column of its Actions sheet (saved in place)."""
    import openpyxl
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Actions"]
    for number in range(validations):
        column = get_column_letter(number % 40 + 1)
        rule = DataValidation(type="list", formula1='"Blue,Green,Amber,Red"', allow_blank=True)
        rule.add(f"{column}2:{column}1048576")
        sheet.add_data_validation(rule)
    for number in range(formats):
        column = get_column_letter(number % 40 + 1)
        sheet.conditional_formatting.add(
            f"{column}1:{column}1048576",
            CellIsRule(
                operator="equal",
                formula=[f'"X{number}"'],
                fill=PatternFill("solid", fgColor="FFC7CE"),
            ),
        )
    workbook.save(path)
    return path
