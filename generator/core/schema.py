"""JSON Schema of the three file kinds, generated from the model for editors' YAML language servers."""

from __future__ import annotations

import json
from typing import Any

from generator.core.model import KIND_TITLES, KINDS


def json_schema(kind: str = "power") -> dict[str, Any]:
    schema = KINDS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = KIND_TITLES[kind]
    return schema


def json_schema_text(kind: str = "power") -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
