"""A short id of a record's content, printed on sheets so a stale copy can be spotted."""

from __future__ import annotations

import hashlib
import json

from generator.core.model import PowerRecord


def record_version(record: PowerRecord) -> str:
    """8 hex digits of the sha256 of the record's canonical JSON: changes when the record does, and only then."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
