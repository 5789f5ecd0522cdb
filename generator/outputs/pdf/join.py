"""A booklet put together from its parts, without laying anything out again.

The frame (cover, contents and one leaf per page of the chapters, each leaf bearing only its page number) is
taken whole, with its links and outline. Every chapter page, transparent (chapter.css), is drawn as a form
XObject over its leaf, after the leaf's white page and number. The chapters' named destinations replace the
leaves' and their outlines follow the frame's. The parts keep their own fonts, already cut down to the glyphs
they show (split.compact).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    Destination,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from generator.outputs.pdf.errors import PdfFailed

FORM = NameObject("/QlqdChapterPage")  # the name a leaf draws its chapter page by: no WeasyPrint name looks like it
Outline = list  # pypdf's outline: destinations, each followed by a list of its children when it has some
Wrap = tuple[IndirectObject, IndirectObject]  # the streams drawn before and after a leaf's own content


def join(frame: bytes, chapters: Sequence[bytes]) -> bytes:
    """The booklet: the frame's pages, its leaves (its last pages) drawn over the chapters' pages in order."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(frame)))
    parts = [PdfReader(io.BytesIO(data)) for data in chapters]
    first = len(writer.pages) - sum(len(part.pages) for part in parts)
    if first < 0:
        raise PdfFailed("职权目录的页码页少于各部门章节的页数")
    dests = _names(writer.root_object)
    # the leaf's content wrapped in q … Q, so that the chapter page is drawn in the state the page began with
    wrap = (writer._add_object(_stream(b"q\n")), writer._add_object(_stream(b"\nQ q " + FORM.encode() + b" Do Q\n")))
    for part in parts:
        for number, page in enumerate(part.pages):
            _draw_on(writer, writer.pages[first + number], page, wrap)
        dests.update(_moved(writer, part, first))
        _outline(writer, part, part.outline, first, None)
        first += len(part.pages)
    _set_names(writer, dests)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stream(data: bytes, compress: bool = False) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode() if compress else stream


def _draw_on(writer: PdfWriter, leaf: PageObject, page: PageObject, wrap: Wrap) -> None:
    """Draw the chapter page on the leaf, after the leaf's own content (its white page and its number)."""
    contents = page.get_contents()
    form = _stream(contents.get_data() if contents is not None else b"", compress=True)
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    resources = DictionaryObject(leaf["/Resources"].get_object())  # the leaves share theirs: each gets its own
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[FORM] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    leaf[NameObject("/Resources")] = resources
    leaf[NameObject("/Contents")] = ArrayObject([wrap[0], *_contents(leaf), wrap[1]])


def _contents(page: PageObject) -> list[PdfObject]:
    contents = page.raw_get("/Contents")
    return list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]


def _names(root: DictionaryObject) -> dict[str, PdfObject]:
    """The document's named destinations (a flat name tree, as WeasyPrint writes it): name -> destination."""
    tree = root.get("/Names", DictionaryObject()).get_object().get("/Dests")
    pairs = list(tree.get_object().get("/Names", [])) if tree is not None else []
    return {str(pairs[n]): pairs[n + 1] for n in range(0, len(pairs), 2)}


def _moved(writer: PdfWriter, part: PdfReader, first: int) -> dict[str, PdfObject]:
    """A chapter's named destinations, pointing at its pages in the booklet."""
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(part.pages)}  # type: ignore[union-attr]
    moved = {}
    for name, dest in _names(part.root_object).items():
        target, *view = dest.get_object()
        leaf = writer.pages[first + numbers[target.idnum]]
        moved[name] = ArrayObject([leaf.indirect_reference, *view])
    return moved


def _set_names(writer: PdfWriter, dests: dict[str, PdfObject]) -> None:
    """Write the named destinations as one flat name tree, sorted by name as a name tree must be."""
    pairs = ArrayObject()
    for name in sorted(dests):
        pairs += [TextStringObject(name), dests[name]]
    names = DictionaryObject(writer.root_object.get("/Names", DictionaryObject()).get_object())
    names[NameObject("/Dests")] = DictionaryObject({NameObject("/Names"): pairs})
    writer.root_object[NameObject("/Names")] = names


def _outline(writer: PdfWriter, part: PdfReader, items: Outline, first: int, parent: IndirectObject | None) -> None:
    """Add a chapter's outline (its headings) at the end of the booklet's, at its pages in the booklet."""
    last = None
    for item in items:
        if isinstance(item, list):
            _outline(writer, part, item, first, last)
            continue
        dest: Destination = item
        number = first + part.get_destination_page_number(dest)
        fit = Fit.xyz(dest.left, dest.top, dest.zoom)
        last = writer.add_outline_item(title=dest.title or "", page_number=number, parent=parent, fit=fit)
