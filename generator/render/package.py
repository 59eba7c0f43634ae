"""The package around the report: modern settings, truthful metadata, unique drawing ids.

python-docx starts from its own default document (and a council's template from whatever
Word last saved it as), so a report would carry another program's history: Word 2010's
compatibility mode, "Microsoft Macintosh Word" as its application, a thumbnail of a blank
page, a second copy of the styles for Word 2010. These are replaced or removed here, once,
just before the document is saved.
"""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

#: Word 2013 and later: the mode in which Word opens a document without "Compatibility Mode".
COMPATIBILITY_MODE = "15"
APPLICATION = "boardpack"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_WORD_URI = "http://schemas.microsoft.com/office/word"
_EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def modernise(document: Document) -> None:
    """Settings, parts and properties of a document Word opens as its own current format."""
    _compatibility_mode(document)
    _zoom(document)
    _drop_relationships(document)
    _application_properties(document)
    unique_drawing_ids(document)


def _compatibility_mode(document: Document) -> None:
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = parse_xml(f"<w:compat {_W}/>")
        # w:compat sits after these in the schema's order of w:settings.
        anchor = None
        for name in _BEFORE_COMPAT:
            found = settings.find(qn(f"w:{name}"))
            if found is not None:
                anchor = found
        if anchor is not None:
            anchor.addnext(compat)
        else:
            settings.insert(0, compat)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)
            setting.set(qn("w:uri"), _WORD_URI)
            return
    compat.append(
        parse_xml(
            f'<w:compatSetting {_W} w:name="compatibilityMode" w:uri="{_WORD_URI}"'
            f' w:val="{COMPATIBILITY_MODE}"/>'
        )
    )


# The w:settings children that may come before w:compat (ECMA-376 Part 1, 17.15.1.78).
_BEFORE_COMPAT = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
    "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
    "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
    "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
    "proofState", "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop",
    "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
    "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
    "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
    "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
    "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
    "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
)  # fmt: skip


def _zoom(document: Document) -> None:
    """``w:zoom`` must carry a percentage; python-docx's default has only "bestFit"."""
    zoom = document.settings.element.find(qn("w:zoom"))
    if zoom is not None and not zoom.get(qn("w:percent")):
        zoom.set(qn("w:percent"), "100")


def _drop_relationships(document: Document) -> None:
    """No thumbnail of someone else's page, and no Word 2010 second copy of the styles."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            del document.part.rels[rel_id]


def _application_properties(document: Document) -> None:
    """docProps/app.xml saying what made the file, and nothing it cannot know (page counts)."""
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{_EXTENDED_NS}" xmlns:vt="{_VT_NS}">'
        f"<Application>{APPLICATION}</Application>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = xml
            return
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, xml, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


def unique_drawing_ids(document: Document) -> None:
    """Number every drawing 1, 2, 3 ... across the body, headers and footers.

    Word reports "unreadable content" when a picture in the body shares its id with one in
    a header, and python-docx numbers the chart looking at the body alone.
    """
    parts = [document.part.element]
    for rel in sorted(document.part.rels.values(), key=lambda r: str(r.target_ref)):
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
            parts.append(rel.target_part.element)
    number = 0
    for element in parts:
        for doc_pr in element.iter(f"{{{_DRAWING_NS}}}docPr"):
            number += 1
            doc_pr.set("id", str(number))
