"""Cell notes (Excel's classic comments): the comments part and the VML drawing that shows them.

Excel, LibreOffice and openpyxl all read a note as two parts: ``xl/commentsN.xml`` holds its
text and author, and a legacy VML drawing holds the yellow box that pops up over the cell
(without the box, Excel drops the note). A sheet that already has notes keeps them: new
notes are appended to its parts, and a cell that already had a note gets boardpack's text
after its own. (Threaded comments, Excel 365's conversations, show a note's text only in
programs that do not read them, so notes are what both Excel and LibreOffice show.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from defusedxml import ElementTree

from generator.common.a1 import column_letter, column_number
from generator.common.ooxml import DECLARATION, insert_before_close, xml_text

AUTHOR = "boardpack"
VML_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
COMMENTS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_VML_NAMESPACES = (
    b' xmlns:v="urn:schemas-microsoft-com:vml"'
    b' xmlns:o="urn:schemas-microsoft-com:office:office"'
    b' xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
_NOTE_SHAPE_TYPE = (
    b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_ID_MAP = re.compile(rb"<o:idmap\b[^>]*?\bdata=\"([0-9, ]*)\"")
_A1 = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_BLOCK = 1024  # VML shape ids come in blocks of 1,024, named by the drawing's idmap


@dataclass(frozen=True)
class Note:
    """A note for one cell (row and column from 1)."""

    row: int
    column: int
    text: str

    @property
    def reference(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


def noted_cells(comments: bytes) -> set[tuple[int, int]]:
    """(row, column) of each cell that has a note in an existing comments part."""
    cells = set()
    for element in ElementTree.fromstring(comments).iter():
        if element.tag.endswith("}comment") or element.tag == "comment":
            found = _A1.fullmatch(element.get("ref", "").upper())
            if found:
                cells.add((int(found[2]), column_number(found[1])))
    return cells


def new_comments(notes: Sequence[Note], namespace: str) -> bytes:
    """A comments part holding ``notes``, all by boardpack."""
    comments = b"".join(_comment(note, 0) for note in notes)
    return (
        DECLARATION
        + f'<comments xmlns="{namespace}"><authors><author>{AUTHOR}</author></authors>'.encode()
        + b"<commentList>"
        + comments
        + b"</commentList></comments>"
    )


def comments_with(comments: bytes, notes: Sequence[Note]) -> bytes:
    """An existing comments part with ``notes`` added: appended to a cell's own note where
    it has one, as new notes (by boardpack) elsewhere."""
    root = ElementTree.fromstring(comments)
    prefix = _prefix(comments, b"comments")
    authors = [element.text or "" for element in root.iter() if element.tag.endswith("author")]
    if AUTHOR in authors:
        author = authors.index(AUTHOR)
    else:
        author = len(authors)
        element = b"<" + prefix + b"author>" + AUTHOR.encode() + b"</" + prefix + b"author>"
        if re.search(rb"<" + re.escape(prefix) + rb"authors\s*/>", comments):
            comments = re.sub(
                rb"<" + re.escape(prefix) + rb"authors\s*/>",
                b"<" + prefix + b"authors>" + element + b"</" + prefix + b"authors>",
                comments,
                count=1,
            )
        else:
            comments = _inserted(comments, prefix + b"authors", element)
    existing = noted_cells(comments)
    added = []
    for note in notes:
        if (note.row, note.column) in existing:
            ours = AUTHOR in authors  # a note boardpack wrote before is replaced, not repeated
            comments = _joined_to_note(comments, prefix, note, author if ours else None)
        else:
            added.append(_comment(note, author, prefix))
    if added:
        if re.search(rb"<" + re.escape(prefix) + rb"commentList\s*/>", comments):
            comments = re.sub(
                rb"<" + re.escape(prefix) + rb"commentList\s*/>",
                b"<" + prefix + b"commentList></" + prefix + b"commentList>",
                comments,
                count=1,
            )
        comments = _inserted(comments, prefix + b"commentList", b"".join(added))
    return comments


def _comment(note: Note, author: int, prefix: bytes = b"") -> bytes:
    p = prefix
    return (
        b"<" + p + b'comment ref="' + note.reference.encode() + b'" authorId="'
        + str(author).encode() + b'"><' + p + b"text><" + p + b't xml:space="preserve">'
        + xml_text(note.text) + b"</" + p + b"t></" + p + b"text></" + p + b"comment>"
    )  # fmt: skip


def _joined_to_note(comments: bytes, prefix: bytes, note: Note, ours: int | None) -> bytes:
    """``comments`` with ``note``'s text after the text of the cell's own note, or instead
    of it when that note is by author number ``ours`` (boardpack's, from an earlier copy)."""
    p = prefix
    own = re.search(
        rb"<" + re.escape(p) + rb"comment\b[^>]*?\bref=\"" + note.reference.encode() + rb"\"[^>]*>",
        comments,
        re.IGNORECASE,
    )
    if own is None:
        return comments
    opening = re.compile(rb"<" + re.escape(p) + rb"text\b[^>]*>").search(comments, own.end())
    close = comments.find(b"</" + p + b"text>", own.end())
    if opening is None or close < opening.end():
        return comments
    author = re.search(rb'\sauthorId="([0-9]+)"', own[0])
    if ours is not None and author is not None and int(author[1]) == ours:
        text = b"<" + p + b't xml:space="preserve">' + xml_text(note.text) + b"</" + p + b"t>"
        return comments[: opening.end()] + text + comments[close:]
    run = (
        b"<" + p + b"r><" + p + b't xml:space="preserve">' + xml_text("\n\n" + note.text)
        + b"</" + p + b"t></" + p + b"r>"
    )  # fmt: skip
    return comments[:close] + run + comments[close:]


def _inserted(xml: bytes, tag: bytes, element: bytes) -> bytes:
    result = insert_before_close(xml, tag, element)
    if result is None:
        raise ValueError(f"the comments part has no </{tag.decode()}>")
    return result


def _prefix(xml: bytes, root: bytes) -> bytes:
    found = re.search(rb"<(\w+:)?" + root + rb"\b", xml)
    return (found[1] or b"") if found else b""


# --- The drawing that shows the notes ------------------------------------------------------


def used_shape_blocks(vml: bytes) -> set[int]:
    """The shape-id blocks a VML drawing uses (its idmap, and the ids of its shapes)."""
    blocks = {number // _BLOCK for number in map(int, _SHAPE_ID.findall(vml))}
    for found in _ID_MAP.findall(vml):
        blocks.update(int(part) for part in re.split(rb"[ ,]+", found) if part.isdigit())
    return blocks


def new_drawing(notes: Sequence[Note], block: int) -> bytes:
    """A VML drawing with a note box for each of ``notes``; shape ids from ``block``."""
    shapes = b"".join(_shape(note, block * _BLOCK + 1 + n) for n, note in enumerate(notes))
    return (
        b"<xml" + _VML_NAMESPACES + b">"
        b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="'
        + str(block).encode()
        + b'"/></o:shapelayout>'
        + _NOTE_SHAPE_TYPE
        + shapes
        + b"</xml>"
    )


def drawing_with(vml: bytes, notes: Sequence[Note], block: int) -> bytes:
    """An existing VML drawing with note boxes for ``notes`` added (ids from ``block``)."""
    root = re.search(rb"<xml\b[^>]*>", vml)
    close = vml.rfind(b"</xml>")
    if root is None or close < 0:
        raise ValueError("the sheet's VML drawing has no <xml> root")
    declared = root[0]
    for declaration in re.findall(rb' xmlns:\w+="[^"]*"', _VML_NAMESPACES):
        if declaration.split(b"=")[0] not in declared:
            declared = declared[:-1] + declaration + b">"
    additions = b"" if b'id="_x0000_t202"' in vml else _NOTE_SHAPE_TYPE
    additions += b"".join(_shape(note, block * _BLOCK + 1 + n) for n, note in enumerate(notes))
    body = vml[root.end() : close]
    # The new shapes' ids are in a block of their own, which the drawing's idmap must list.
    body = _ID_MAP.sub(
        lambda found: (
            found[0][: found.start(1) - found.start()]
            + (found[1] + b"," if found[1].strip() else b"")
            + str(block).encode()
            + b'"'
        ),
        body,
        count=1,
    )
    return vml[: root.start()] + declared + body + additions + vml[close:]


def _shape(note: Note, number: int) -> bytes:
    """A hidden note box beside the cell, sized to its text, as Excel draws one."""
    lines = sum(1 + len(line) // 40 for line in note.text.split("\n"))
    row, column = note.row - 1, note.column - 1  # VML counts from 0
    top = max(row - 1, 0)
    anchor = f"{column + 1}, 15, {top}, 10, {column + 4}, 15, {top + min(lines + 1, 40)}, 4"
    return (
        f'<v:shape id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;'
        "margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:"
        f'{min(20 + 12 * lines, 600)}pt;z-index:{number % _BLOCK};visibility:hidden" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
        f"<x:Row>{row}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>"
    ).encode()
