"""catalogue.json: the whole public edition as one JSON document, and its JSON Schema (catalogue.schema.json).

Powers carry every field of the record format (content/fields.md) with supervision and complaints merged from the
department and the catalogue, plus their department's folder name and page; a confidential power appears only in
`withheld`, with its code, name, category and reason. The schema is versioned: SCHEMA_VERSION changes with any
change of shape (a new field is a minor step, a removed or renamed one a major step).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord
from generator.outputs import wording
from generator.outputs.lawindex import cited_laws
from generator.outputs.opendata.common import (
    ITEMS,
    Download,
    data_url,
    json_bytes,
    json_chunks,
    json_item,
    site_root,
    updated,
)
from generator.outputs.opendata.runs import Runs

SCHEMA_VERSION = "1.1.0"  # 1.1.0: forms (a power's attachments, with their addresses)
CATALOGUE_FILE, SCHEMA_FILE = "catalogue.json", "catalogue.schema.json"
JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
LAW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "effective", "note", "powers"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "title": "法律法规名称"},
        "effective": {
            "type": ["string", "null"],
            "format": "date",
            "title": "最近修改施行日期(_laws.yaml 未登记时为 null)",
        },
        "note": {"type": ["string", "null"], "title": "说明"},
        "powers": {"type": "array", "items": {"type": "string"}, "title": "引用它的公开事项的编码"},
    },
}
FORMS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "title": "表格下载(申请材料的空白表格和示范文本)",
    "items": {
        "type": "object",
        "required": ["material", "kind", "title", "url"],
        "additionalProperties": False,
        "properties": {
            "material": {"type": "integer", "minimum": 1, "title": "申请材料的序号"},
            "kind": {"enum": ["form", "sample"], "title": "form 空白表格;sample 示范文本"},
            "title": {"type": "string", "title": "名称"},
            "url": {"type": "string", "format": "uri", "title": "下载地址"},
        },
    },
}


def power_data(edition: Edition, power: EditionPower) -> dict[str, Any]:
    """A public power: every field of its record, merged supervision and complaints, department and page."""
    record = power.record.model_dump(mode="json", exclude={"confidential"})
    record["supervision"] = [s.model_dump(mode="json") for s in power.supervision]
    record["complaints"] = [c.model_dump(mode="json") for c in power.complaints]
    page = wording.absolute_url(site_root(edition), wording.power_url(power.code))
    return {**record, "department": power.dept_slug, "url": page, "forms": forms_data(edition, power)}


def forms_data(edition: Edition, power: EditionPower) -> list[dict[str, Any]]:
    """The power's blank and sample filled-in forms as the site publishes them: material number, kind, address."""
    root = site_root(edition)
    return [
        {
            "material": a.material + 1,
            "kind": a.kind,
            "title": wording.ATTACHMENT_LABELS[a.kind],
            "url": wording.absolute_url(root, wording.attachment_path(power.code, a.name)),
        }
        for a in power.attachments
    ]


def department_data(edition: Edition, dept: EditionDepartment) -> dict[str, Any]:
    page = wording.absolute_url(site_root(edition), wording.department_url(dept.slug))
    return {"slug": dept.slug, **dept.record.model_dump(mode="json"), "url": page}


def catalogue_chunks(edition: Edition, runs: Runs) -> Iterator[bytes]:
    """catalogue.json, one power at a time."""
    withheld = sorted(edition.withheld(), key=lambda w: w.code)
    head = {
        "$schema": data_url(edition, SCHEMA_FILE),
        "schema_version": SCHEMA_VERSION,
        "updated": updated(edition).isoformat(),
        "catalogue": edition.catalogue.model_dump(mode="json"),
        "departments": [department_data(edition, d) for d in edition.departments],
    }
    tail = {
        "withheld": [{"code": w.code, "name": w.name, "category": w.category, "reason": w.reason} for w in withheld],
        "laws": laws_data(edition),
    }
    items = runs.of("catalogue.json", lambda p: json_item(power_data(edition, p)), ITEMS)
    return json_chunks(head, "powers", items, tail)


def laws_data(edition: Edition) -> list[dict[str, Any]]:
    """The law index: every law public powers cite, its latest amendment (_laws.yaml) and the powers citing it."""
    return [
        {
            "name": cited.name,
            "effective": cited.law.effective.isoformat() if cited.law else None,
            "note": cited.law.note if cited.law else None,
            "powers": [p.code for p in cited.powers],
        }
        for cited in cited_laws(edition)
    ]


def catalogue_file(edition: Edition, runs: Runs) -> Download:
    return Download(
        CATALOGUE_FILE,
        "完整清单（JSON）",
        "application/json",
        "JSON",
        "全部公开事项的全部字段（监督制约、投诉举报途径已与部门和发布机关的合并；申请材料的表格附下载地址）、各部门信息、"
        "涉密不宜公开事项的编码、名称、类别和不公开理由，以及法律依据索引；字段见 catalogue.schema.json",
        lambda: catalogue_chunks(edition, runs),
    )


def _with_place(schema: dict[str, Any], place: dict[str, Any]) -> dict[str, Any]:
    """A record's schema with the fields the download adds (a power's department and page, a department's slug)."""
    schema = {**schema, "properties": {**schema["properties"], **place}}
    schema["required"] = sorted({*schema.get("required", []), *place})
    return schema


def catalogue_schema(edition: Edition) -> dict[str, Any]:
    """The JSON Schema of catalogue.json: the record models' own schemas, with Chinese titles."""
    power = PowerRecord.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs = power.pop("$defs", {})
    power["properties"].pop("confidential")
    url = {"type": "string", "format": "uri", "title": "页面地址"}
    place = {"department": {"type": "string", "title": "部门目录名"}, "url": url, "forms": FORMS_SCHEMA}
    defs["Power"] = _with_place(power, place)
    department = DepartmentRecord.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs |= department.pop("$defs", {})
    defs["Department"] = _with_place(department, {"slug": {"type": "string", "title": "部门目录名"}, "url": url})
    catalogue = CatalogueRecord.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs |= catalogue.pop("$defs", {})
    four = {key: {"type": "string", "minLength": 1} for key in ("code", "name", "category", "reason")}
    withheld = {"type": "object", "properties": four, "required": list(four), "additionalProperties": False}
    return {
        "$schema": JSON_SCHEMA_DRAFT,
        "$id": data_url(edition, SCHEMA_FILE),
        "title": "行政权力清单开放数据（catalogue.json）",
        "description": "公开版权力清单的完整数据；字段含义见网站「字段说明」页。",
        "version": SCHEMA_VERSION,
        "type": "object",
        "required": ["schema_version", "updated", "catalogue", "departments", "powers", "withheld", "laws"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string", "format": "uri"},
            "schema_version": {"const": SCHEMA_VERSION, "title": "数据格式版本"},
            "updated": {"type": "string", "format": "date", "title": "数据更新日期（最近一次修订）"},
            "catalogue": {**catalogue, "title": "发布机关"},
            "departments": {"type": "array", "title": "部门", "items": {"$ref": "#/$defs/Department"}},
            "powers": {"type": "array", "title": "公开的权力事项", "items": {"$ref": "#/$defs/Power"}},
            "withheld": {"type": "array", "title": "涉密不宜公开事项", "items": withheld},
            "laws": {"type": "array", "title": "法律依据索引", "items": LAW_SCHEMA},
        },
        "$defs": defs,
    }


def schema_file(edition: Edition) -> Download:
    return Download(
        SCHEMA_FILE,
        "数据格式说明（JSON Schema）",
        "application/schema+json",
        "JSON Schema",
        f"catalogue.json 的 JSON Schema（2020-12），带中文字段名；数据格式版本 {SCHEMA_VERSION}",
        lambda: [json_bytes(catalogue_schema(edition))],
    )
