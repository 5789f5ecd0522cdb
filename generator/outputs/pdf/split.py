"""Stage: one PDF of many sheets split into a file per sheet.

WeasyPrint gives every page of a document one shared resource dictionary and embeds each font once,
subset to the glyphs of the whole document (with every glyph id kept, so a CJK font stays large). A page
copied out as it is would carry all of that. So each file keeps only the resources its pages name, and
each font is subset again with HarfBuzz to the glyphs its pages show, numbered 1, 2, 3...: the text in
the content streams, the widths and the ToUnicode map are renumbered to match. A file is then small, and
the same whichever other sheets shared its document.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import uharfbuzz as hb
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, StreamObject

from generator.outputs.pdf.errors import PdfFailed

RESOURCE_KINDS = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace", "/Properties")
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")
# The operators that matter for fonts: the font chosen by Tf, and the strings shown by TJ and Tj.
_TEXT = re.compile(rb"/([^\s/\[\]()<>{}%]+)(\s+[-+\d.]+\s+Tf)|(\[[^\]]*\])(\s*TJ)|(<[0-9A-Fa-f\s]*>)(\s*Tj)")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")
_FLAGS = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.CFF_IDENTITY_CHARSET

Glyphs = dict[int, set[int]]  # font object number -> the glyph ids (= CIDs) it shows
Mapping = dict[int, dict[int, int]]  # font object number -> old glyph id -> new


def split_pages(pdf: bytes, ranges: list[range], titles: list[str] | None = None) -> list[bytes]:
    """One PDF per range of pages, each with only the resources and glyphs of its own pages."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts = FontCache()
    fonts.take_from(reader)
    titles = titles or [""] * len(ranges)
    return [_extract(reader, pages, fonts, title) for pages, title in zip(ranges, titles, strict=True)]


def compact(pdf: bytes) -> bytes:
    """A whole document (links, outline and all) with its fonts cut down to the glyphs it shows."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    return _finish(writer, FontCache(), "")


def _extract(reader: PdfReader, pages: range, fonts: FontCache, title: str) -> bytes:
    writer = PdfWriter()
    for number in pages:
        page = reader.pages[number]
        page[NameObject("/Resources")] = pruned(page["/Resources"].get_object(), _contents(page))
        writer.add_page(page)
    return _finish(writer, fonts, title)


def _finish(writer: PdfWriter, fonts: FontCache, title: str) -> bytes:
    """Subset and renumber the writer's fonts to the glyphs its pages show, then write it."""
    streams = _unique([s for page in writer.pages for s in _streams(page)])
    glyphs: Glyphs = {n: set() for _, resources in streams for n in _font_numbers(resources)}
    kept: set[int] = set()  # fonts that keep their glyph ids

    def found(font: int, codes: list[int] | None) -> None:
        glyphs.setdefault(font, set()).update(codes or [])
        if codes is None:
            kept.add(font)

    for stream, resources in streams:
        _scan(stream.get_data(), resources, found)
    mapping = {n: fonts.subset(_font(writer, n), used, n in kept) for n, used in glyphs.items()}
    for stream, resources in streams:
        stream.set_data(_renumbered(stream.get_data(), resources, mapping))
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _contents(page: PageObject) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _font(writer: PdfWriter, number: int) -> DictionaryObject:
    return writer.get_object(number)  # type: ignore[return-value]


def pruned(resources: DictionaryObject, content: bytes) -> DictionaryObject:
    """A page's resources cut down to the names its content, and the forms it draws, use."""
    names = _names(content)
    for stream, _ in _drawn(resources, names):
        names |= _names(stream.get_data())
    kept = DictionaryObject()
    for key, value in resources.items():
        if key not in RESOURCE_KINDS:
            kept[NameObject(key)] = value
            continue
        used = DictionaryObject({NameObject(k): v for k, v in value.get_object().items() if k[1:] in names})
        if used:
            kept[NameObject(key)] = used
    return kept


def _names(content: bytes) -> set[str]:
    return {m.group(1).decode("latin-1") for m in _NAME.finditer(content)}


def _drawn(resources: DictionaryObject, names: set[str]) -> Iterator[tuple[StreamObject, DictionaryObject]]:
    """The form XObjects and tiling patterns named in a content, with the resources their content uses."""
    for kind in ("/XObject", "/Pattern"):
        entries = resources.get(kind)
        for key, ref in (entries.get_object() if entries is not None else {}).items():
            obj = ref.get_object()
            if key[1:] in names and isinstance(obj, StreamObject) and obj.get("/Subtype") != "/Image":
                inner = obj.get("/Resources")
                yield obj, (inner.get_object() if inner is not None else resources)


def _streams(page: PageObject) -> list[tuple[StreamObject, DictionaryObject]]:
    """Every content stream a page draws (its own, then its forms'), with the resources it uses."""
    if isinstance(page["/Contents"].get_object(), ArrayObject):
        page.replace_contents(page.get_contents())  # one stream, so it can be rewritten as a whole
    own = page["/Contents"].get_object()
    resources = page["/Resources"].get_object()
    found = [(own, resources)]
    for stream, inner in found:
        found += [d for d in _drawn(inner, _names(stream.get_data())) if all(d[0] is not s for s, _ in found)]
    return found


def _unique(streams: list[tuple[StreamObject, DictionaryObject]]) -> list[tuple[StreamObject, DictionaryObject]]:
    """Each stream once, though many pages may draw the same form: it is renumbered once."""
    seen: set[int] = set()
    return [(s, r) for s, r in streams if not (id(s) in seen or seen.add(id(s)))]


def _subsettable(ref: object) -> bool:
    """Only Type0 fonts with Identity-H encoding (what WeasyPrint embeds) are subset again."""
    if not isinstance(ref, IndirectObject):
        return False
    font = ref.get_object()
    return font.get("/Subtype") == "/Type0" and font.get("/Encoding") == "/Identity-H"


def _font_refs(resources: DictionaryObject) -> dict[str, IndirectObject]:
    fonts = resources.get("/Font")
    entries = fonts.get_object().items() if fonts is not None else ()
    return {name: ref for name, ref in entries if _subsettable(ref)}


def _font_numbers(resources: DictionaryObject) -> list[int]:
    return [ref.idnum for ref in _font_refs(resources).values()]


def _font_number(resources: DictionaryObject, name: bytes) -> int | None:
    """The object number of the subset-able font a content names, if it is one."""
    ref = _font_refs(resources).get("/" + name.decode("latin-1"))
    return ref.idnum if ref is not None else None


def _codes(strings: bytes) -> list[int] | None:
    """The 2-byte codes of the hex strings of a TJ array or a Tj operand; None if a literal string is shown
    (WeasyPrint writes hex only; a font shown otherwise keeps its glyph ids)."""
    if b"(" in strings:
        return None
    raw = bytes.fromhex(b"".join(_HEX.findall(strings)).decode("ascii"))
    return list(struct.unpack(f">{len(raw) // 2}H", raw[: len(raw) // 2 * 2]))


def _scan(content: bytes, resources: DictionaryObject, found: Callable[[int, list[int] | None], None]) -> None:
    """Call found(font, codes) for every string shown in a subset-able font."""
    current: int | None = None
    for match in _TEXT.finditer(content):
        if match.group(1) is not None:
            current = _font_number(resources, match.group(1))
        elif current is not None:
            found(current, _codes(match.group(3) or match.group(5)))


def _renumbered(content: bytes, resources: DictionaryObject, mapping: Mapping) -> bytes:
    """The content with every string of a subset font rewritten to the font's new glyph ids."""
    current: dict[int, int] | None = None

    def rewrite(match: re.Match[bytes]) -> bytes:
        nonlocal current
        if match.group(1) is not None:
            number = _font_number(resources, match.group(1))
            current = mapping.get(number) if number is not None else None
            return match.group(0)
        if current is None:
            return match.group(0)
        strings, operator = (match.group(3), match.group(4)) if match.group(3) else (match.group(5), match.group(6))
        return _rewrite_strings(strings, current) + operator

    return _TEXT.sub(rewrite, content)


def _rewrite_strings(strings: bytes, table: dict[int, int]) -> bytes:
    def one(part: re.Match[bytes]) -> bytes:
        codes = _codes(part.group(0)) or []
        return b"<" + b"".join(b"%04x" % table[c] for c in codes) + b">"

    return _HEX.sub(one, strings)


@dataclass
class SourceFont:
    """A font of the shared document, read once for all the files split from it."""

    face: hb.Face
    truetype: bool  # glyph ids must stay put (CIDToGIDMap); a CFF font is renumbered instead
    widths: dict[int, object]
    unicode: dict[int, bytes]


@dataclass
class FontCache:
    """The fonts of one shared document by name, read once for every file made from it."""

    fonts: dict[str, SourceFont | None] = field(default_factory=dict)

    def source(self, font: DictionaryObject) -> SourceFont | None:
        name = str(font.get("/BaseFont"))
        if name not in self.fonts:
            self.fonts[name] = _read_source(font)
        return self.fonts[name]

    def take_from(self, reader: PdfReader) -> None:
        """Read every font of the document, then empty its program, widths and ToUnicode map in the reader:
        each file made from it copies the font's dictionaries, so they must be light; the subset fills them."""
        seen: set[int] = set()
        for page in reader.pages:
            for ref in _font_refs(page["/Resources"].get_object()).values():
                if ref.idnum in seen or self.source(ref.get_object()) is None:
                    continue
                seen.add(ref.idnum)
                font = ref.get_object()
                cid_font = font["/DescendantFonts"][0].get_object()
                _font_file(cid_font).set_data(b"")  # type: ignore[union-attr]
                cid_font[NameObject("/W")] = ArrayObject()
                if "/ToUnicode" in font:
                    font["/ToUnicode"].get_object().set_data(b"")

    def subset(self, font: DictionaryObject, used: set[int], keep_ids: bool = False) -> dict[int, int]:
        """Cut the font down, in place, to the glyphs in used (and .notdef); old glyph id -> new."""
        source = self.source(font)
        identity = {g: g for g in used}
        if source is None:
            return identity
        plan_input = hb.SubsetInput()
        plan_input.sets(hb.SubsetInputSets.GLYPH_INDEX).update(sorted(used | {0}))
        plan_input.flags = _FLAGS | (hb.SubsetFlags.RETAIN_GIDS if source.truetype or keep_ids else 0)
        plan = hb.SubsetPlan(source.face, plan_input)
        table = {old: new for old, new in plan.old_to_new_glyph_mapping.items() if old in used}
        subset = plan.execute()
        if subset is None or len(table) != len(used):
            raise PdfFailed(f"无法为 PDF 精简字体 {font.get('/BaseFont')}(HarfBuzz)")
        cid_font = font["/DescendantFonts"][0].get_object()
        program = _font_file(cid_font)
        assert program is not None, "_read_source checked the font file"
        program.set_data(bytes(subset.blob.data))
        widths = {new: source.widths[old] for old, new in table.items() if old in source.widths}
        cid_font[NameObject("/W")] = _width_array(widths)
        _describe(cid_font["/FontDescriptor"].get_object(), list(widths.values()))
        if "/ToUnicode" in font:
            entries = {new: source.unicode[old] for old, new in table.items() if old in source.unicode}
            font["/ToUnicode"].get_object().set_data(_to_unicode(entries))
        return table


def _describe(descriptor: DictionaryObject, widths: list) -> None:
    """The descriptor's FixedPitch flag and box width as WeasyPrint sets them, from the glyphs kept."""
    fixed = len(widths) > 1 and len(set(widths)) == 1
    descriptor[NameObject("/Flags")] = NumberObject(int(descriptor["/Flags"]) & ~1 | int(fixed))
    box = list(descriptor["/FontBBox"])
    box[2] = max(widths, default=0)
    descriptor[NameObject("/FontBBox")] = ArrayObject(box)


def _font_file(cid_font: DictionaryObject) -> StreamObject | None:
    descriptor = cid_font["/FontDescriptor"].get_object()
    for key in ("/FontFile3", "/FontFile2"):
        if key in descriptor:
            return descriptor[key].get_object()
    return None


def _read_source(font: DictionaryObject) -> SourceFont | None:
    """The font program, widths and ToUnicode map, or None for a font this module leaves whole."""
    cid_font = font["/DescendantFonts"][0].get_object()
    program = _font_file(cid_font)
    if program is None or cid_font.get("/CIDToGIDMap", "/Identity") != "/Identity":
        return None
    to_unicode = font["/ToUnicode"].get_object().get_data() if "/ToUnicode" in font else b""
    if b"beginbfrange" in to_unicode:
        return None  # WeasyPrint writes single mappings only
    unicode = _bfchar_entries(to_unicode)
    truetype = "/FontFile2" in cid_font["/FontDescriptor"].get_object()
    face = hb.Face(hb.Blob(program.get_data()))
    return SourceFont(face, truetype, _widths(cid_font.get("/W", ArrayObject())), unicode)


def _bfchar_entries(cmap: bytes) -> dict[int, bytes]:
    """The single mappings of a ToUnicode CMap: code -> UTF-16BE hex."""
    blocks = re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)
    return {int(m.group(1), 16): m.group(2) for block in blocks for m in _BFCHAR.finditer(block)}


def _widths(array: ArrayObject) -> dict[int, object]:
    """A CID font's /W array as glyph id -> width (both the c [w ...] and the c1 c2 w forms)."""
    widths: dict[int, object] = {}
    items = [item.get_object() for item in array]
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], ArrayObject):
            widths.update({first + k: w for k, w in enumerate(items[i + 1])})
            i += 2
        else:
            widths.update(dict.fromkeys(range(first, int(items[i + 1]) + 1), items[i + 2]))
            i += 3
    return widths


def _width_array(widths: dict[int, object]) -> ArrayObject:
    """Glyph id -> width back to a /W array, consecutive ids in one run."""
    out = ArrayObject()
    run: list = []
    start = previous = -2
    for gid in sorted(widths):
        if gid != previous + 1 and run:
            out.extend([NumberObject(start), ArrayObject(run)])
            run = []
        if not run:
            start = gid
        run.append(widths[gid])
        previous = gid
    if run:
        out.extend([NumberObject(start), ArrayObject(run)])
    return out


def _to_unicode(entries: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap of single mappings, at most 100 to a block as the format asks."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    gids = sorted(entries)
    for start in range(0, len(gids), 100):
        chunk = gids[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines += [b"<%04x> <%s>" % (gid, entries[gid]) for gid in chunk]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines) + b"\n"
