"""Benchmark: what the form editor (`edit`) does on every pause in typing, in a catalogue of BENCH_EDITOR_RECORDS
records (default 1,000): the live check of an existing record and of a new one (the form's values written as the
file would be, read back by the safe reader, every rule of `check` over the catalogue), and a save."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_check import write_big_catalogue
from generator.core.loader import load
from generator.core.yamlsafe import parse_text
from generator.editing.record_form import data_to_form
from generator.editing.record_save import text_hash
from generator.editing.record_store import check_draft, save_record

ROUNDS = 10


def timed(label: str, action) -> None:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    print(f"  {label:<34} median {statistics.median(times) * 1e3:7.1f} ms  max {max(times) * 1e3:7.1f} ms")


def main() -> None:
    count = int(os.environ.get("BENCH_EDITOR_RECORDS", "1000"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_big_catalogue(root, count)
        catalogue, _ = load(root)
        assert catalogue is not None
        dept, power = next(catalogue.powers())
        rel = power.path
        text = (root / rel).read_text(encoding="utf-8")
        form = data_to_form(parse_text(text, rel).data)
        fresh = {"code": "", "name": "新事项", "category": form["category"]} | {
            k: v for k, v in form.items() if k not in ("code", "name")
        }
        print(f"  {count} records")
        timed("live check, existing record", lambda: check_draft(catalogue, root, rel, form))
        timed("live check, new record", lambda: check_draft(catalogue, root, f"{dept.slug}/", fresh))

        def save() -> None:
            form["office"] = form["office"] + "x"
            version = text_hash((root / rel).read_bytes())
            assert save_record(catalogue, root, rel, version, form).status == "saved"

        timed("save (check, write)", save)


if __name__ == "__main__":
    main()
