"""Parsing a catalogue's files (in worker processes when there are many), and the load's cache of their parses.

Parsing a file (yamlsafe.Parsed: its data and the position of every value) is a pure function of its bytes and of
the code that reads them. The cache keeps the parses in one marshal file, far faster to read back than parsing (or
than unpickling): each entry under the hash of a file's bytes, all of them under the hash of the code. The dates YAML
reads, which marshal cannot hold, are kept beside the data by location, as plain numbers. Only files that parse are
kept: a file YAML rejects is read again each time, so that its problems are exactly those of a fresh read, and so is a
file holding a value the cache could not give back exactly. A save keeps the entries asked for since the cache was
opened and no others; it writes a temporary file and renames it, so that a killed build leaves the old cache whole.

A power file that validates without a problem is kept whole instead of parsed: its record (as the JSON of the fields
it sets, which gives the record back exactly, or it is not kept so), its positions (unpacked only if a problem is
found in it), the problems of the rules that read it alone (power_rules.py) and the hash of its record (of which the
edition's digest is made): a rebuild then reads a record and runs those rules only for the files that changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pydantic_core
import yaml
from pydantic import ValidationError

from generator.core.catalogue import Power, record_hash
from generator.core.folders import running
from generator.core.model import PowerRecord
from generator.core.problems import Problem, problem
from generator.core.yamlsafe import CutValue, Loc, Parsed, YamlRejected, parse_bytes

PARALLEL_FROM = 2_000  # below this many files, starting worker processes costs more than it saves
CHUNK = 250  # files a worker parses before it sends them: bounds its memory; smaller chunks cost no measurable time
LOAD_FOLDER = "load"  # under the build's cache
LOAD_FILE = "parsed.marshal"
POWER = b"p"  # before the key of a power file kept whole
_CORE = Path(__file__).resolve().parent  # the code a parse is made of: the whole core, to be safe
Typed = int | tuple[int | None, ...]  # a date as its ordinal; a datetime as its fields and UTC offset in seconds
_RECORD = PowerRecord.__pydantic_validator__
Job = tuple[str | Path, str]  # a file to read (its path) and its path as problems name it (relative to the catalogue)


def read_file(job: Job) -> tuple[bytes | None, Parsed | list[Problem]]:
    """The parse of the file (path, rel), or the problems that kept it from being read, with the cache key of
    the bytes parsed (None when they could not be read)."""
    path, rel = job
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as exc:
        return None, [problem("E002", rel, detail=f"无法读取文件({exc.strerror})")]
    try:
        return key_of(raw), parse_bytes(raw, rel)
    except YamlRejected as exc:
        return key_of(raw), exc.problems


def read_files(jobs: list[Job]) -> Iterator[tuple[bytes | None, Parsed | list[Problem]]]:
    """read_file of many files, in order; a large catalogue is spread over every core (parsing is most of a load).

    The outcomes come as the workers finish them, so that the caller validates while the rest is parsed."""
    workers = os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers < 2:
        yield from map(read_file, jobs)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(read_file, jobs, chunksize=CHUNK)


def parse_files(jobs: list[Job], cache: ParseCache | None) -> Iterator[Parsed | list[Problem]]:
    """The outcome of each file, in order: those kept in the cache from it, the others parsed (and kept)."""
    for key, found, fresh in outcomes(jobs, cache):
        if fresh and cache is not None and key is not None and isinstance(found, Parsed):
            cache.put(key, found)
        yield found


Outcome = tuple[bytes | None, Power | Parsed | list[Problem], bool]


def outcomes(jobs: list[Job], cache: ParseCache | None, powers: bool = False) -> Iterator[Outcome]:
    """The outcome of each file, in order, with the key of its bytes and whether it is fresh (the caller keeps those)
    or from the cache; with powers, what the cache gives may be a power file kept whole."""
    if cache is None:
        yield from ((key, found, True) for key, found in read_files(jobs))
        return
    keys = [_key_of_file(path) for path, _ in jobs] if cache.kept else [None] * len(jobs)
    kept = [cache.has(key, powers) for key in keys]
    fresh = read_files([job for job, known in zip(jobs, kept, strict=True) if not known])
    for key, known, (_, rel) in zip(keys, kept, jobs, strict=True):
        if not known:
            yield *next(fresh), True
        elif powers and POWER + key in cache.kept:
            yield key, cache.power(key, rel), False
        else:
            yield key, cache.get(key), False


def _key_of_file(path: str | Path) -> bytes | None:
    """The cache key of a file's bytes; None when it cannot be read (its parse then says why)."""
    try:
        with open(path, "rb", buffering=0) as file:  # unbuffered: a third faster for small files read whole
            return key_of(file.read())
    except OSError:
        return None


def code_digest() -> str:
    """The hash of what a parse is made of besides the bytes: the core's code, PyYAML, Python, marshal's format and
    pydantic's core (which validates the records kept whole)."""
    versions = f"{sys.version}|{marshal.version}|{yaml.__version__}|{yaml.__with_libyaml__}|{pydantic_core.__version__}"
    digest = hashlib.sha256(versions.encode())
    for path in sorted(_CORE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key_of(raw: bytes) -> bytes:
    """An entry's key: the hash of the file's bytes."""
    return hashlib.blake2b(raw, digest_size=16).digest()


class ParseCache:
    """The parses of a catalogue's files, kept in folder by the hash of their bytes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / LOAD_FOLDER
        self.version = code_digest()
        self.kept = self._read()
        self.used: dict[bytes, bytes] = {}  # every entry asked for or added since opened: what a save keeps
        self.added = False

    def _read(self) -> dict[bytes, bytes]:
        """The entries saved by the same code; none if there are none, or the file is not the cache's own."""
        try:
            version, entries = marshal.loads((self.folder / LOAD_FILE).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return entries if version == self.version and isinstance(entries, dict) else {}

    def has(self, key: bytes | None, powers: bool = False) -> bool:
        """Whether the file whose bytes have this key is kept: its parse, or (with powers) its power."""
        return key is not None and (key in self.kept or (powers and POWER + key in self.kept))

    def power(self, key: bytes, rel: str) -> Power:
        """The power of the power file rel whose bytes have this key, kept whole (see has())."""
        blob = self.used[POWER + key] = self.kept[POWER + key]
        record, positions, own, digest = marshal.loads(blob)
        source = Parsed.later(partial(_unpack_positions, positions))
        return Power(_RECORD.validate_json(record), rel, source, tuple(Problem(rel, *p) for p in own), digest)

    def put_power(self, key: bytes, power: Power) -> bool:
        """Keep a fresh power whole, with the problems of its own rules; whether it could be (not when its record
        would not come back exactly, or the file has cut values: its parse is to be kept then)."""
        assert power.own is not None and power.source is not None, "a power is kept with its own problems"
        record = power.record.model_dump_json(exclude_unset=True)
        try:
            back = _RECORD.validate_json(record)
        except ValidationError:
            return False
        if power.source.cut or back != power.record:  # the same values; the same fields set, as the JSON has them
            return False
        own = [(p.line, p.column, p.code, p.message, p.field) for p in power.own]
        marks, parts = power.source.marks, power.source.parts
        positions = zlib.compress(marshal.dumps((marks.typecode, marks.tobytes(), parts)), 1)  # a third the size
        power.record_hash = power.record_hash or record_hash(power.record)
        self.used[POWER + key] = marshal.dumps((record.encode(), positions, own, power.record_hash))
        self.added = True
        return True

    def get(self, key: bytes) -> Parsed | None:
        """The parse of the file whose bytes have this key, if kept."""
        blob = self.kept.get(key)
        if blob is None:
            return None
        self.used[key] = blob
        return decode(blob)

    def put(self, key: bytes, parsed: Parsed) -> None:
        """Keep a fresh parse, unless it holds a value the cache cannot give back exactly."""
        blob = encode(parsed)
        if blob is not None:
            self.used[key] = blob
            self.added = True

    def save(self) -> None:
        """Write the entries used since opening (only if they are not exactly those kept), atomically."""
        if not self.added and len(self.used) == len(self.kept):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(f".{LOAD_FILE}.*.tmp"):  # left by a killed build
            pid = stale.name.removeprefix(f".{LOAD_FILE}.").split(".")[0]
            if not pid.isdigit() or not running(int(pid)):
                stale.unlink(missing_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{LOAD_FILE}.{os.getpid()}.", suffix=".tmp", dir=self.folder)
        with open(handle, "wb") as partial:  # a name of its own: another thread may be saving too
            partial.write(marshal.dumps((self.version, self.used)))
        os.replace(name, self.folder / LOAD_FILE)
        self.kept, self.added = self.used, False


def encode(parsed: Parsed) -> bytes | None:
    """A parse as marshal bytes, its typed values out of the data; None when one of them cannot be kept exactly."""
    typed = [(loc, _typed_to_plain(value)) for loc, value in parsed.typed]
    if any(plain is None for _, plain in typed):
        return None
    cut = [(c.loc, c.at, c.kept, c.comment) for c in parsed.cut]
    data = parsed.data
    for loc, _ in parsed.typed:
        _place(data, loc, None)
    try:
        return marshal.dumps((data, typed, parsed.marks.typecode, parsed.marks.tobytes(), parsed.parts, cut))
    finally:
        for loc, value in parsed.typed:
            _place(data, loc, value)


def decode(blob: bytes) -> Parsed:
    """The parse that encode() wrote."""
    data, plain, typecode, raw_marks, parts, cut = marshal.loads(blob)
    typed = [(loc, _plain_to_typed(value)) for loc, value in plain]
    for loc, value in typed:
        _place(data, loc, value)
    return Parsed(data, _marks(typecode, raw_marks), parts, [CutValue(*c) for c in cut], typed)


def _unpack_positions(packed: bytes) -> tuple[array[int], list[str | int]]:
    """The marks and parts of a power kept whole."""
    typecode, raw_marks, parts = marshal.loads(zlib.decompress(packed))
    return _marks(typecode, raw_marks), parts


def _marks(typecode: str, raw: bytes) -> array[int]:
    marks = array(typecode)
    marks.frombytes(raw)
    return marks


def _place(data: Any, loc: Loc, value: Any) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def _typed_to_plain(value: Any) -> Typed | None:
    """A date or a datetime as numbers marshal holds, or None for any other value (or a time zone with a name)."""
    if type(value) is dt.date:
        return value.toordinal()
    if type(value) is not dt.datetime or value.fold:
        return None
    fields = (value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
    offset = value.utcoffset()
    if offset is None:
        return (*fields, None)
    seconds = int(offset.total_seconds())
    if value.tzinfo != dt.timezone(dt.timedelta(seconds=seconds)) or repr(value.tzinfo) != repr(_zone(seconds)):
        return None
    return (*fields, seconds)


def _plain_to_typed(value: Typed) -> dt.date:
    if isinstance(value, int):
        return dt.date.fromordinal(value)
    *fields, seconds = value
    return dt.datetime(*fields, tzinfo=None if seconds is None else _zone(seconds))


def _zone(seconds: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(seconds=seconds))
