"""cpsv-ap.jsonld: every public power as a CPSV-AP 3.2 PublicService, conforming to the official SHACL shapes.

Self-contained: the @context is written inline (an intranet site or an offline validator cannot fetch a remote
one). Every linked node is typed and has the identifier and title its shape asks for. Each node's IRI is the
power's page, with a fragment for its parts.

Time limits: xsd:duration counts calendar time, so a limit in working days (工作日) cannot be one. A promised limit
in calendar days (自然日) is given as cv:processingTime (P30D), as is 即办 (P0D, whatever the unit); a limit in
working days is stated in words in the service's dct:description (承诺时限:20 个工作日), never as a duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.core.edition import Edition, EditionPower
from generator.outputs import wording
from generator.outputs.opendata.common import ITEMS, LANGUAGE, Download, json_chunks, json_item, site_root
from generator.outputs.opendata.runs import Runs

CPSV_FILE = "cpsv-ap.jsonld"
CNY = "http://publications.europa.eu/resource/authority/currency/CNY"
CONTEXT: dict[str, Any] = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "locn": "http://www.w3.org/ns/locn#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "@language": LANGUAGE,
    "PublicService": "cpsv:PublicService",
    "PublicOrganisation": "cv:PublicOrganisation",
    "Location": "dct:Location",
    "LegalResource": "eli:LegalResource",
    "Cost": "cv:Cost",
    "Channel": "cv:Channel",
    "Requirement": "cv:Requirement",
    "Evidence": "cv:Evidence",
    "Concept": "skos:Concept",
    "identifier": {"@id": "dct:identifier", "@language": None},
    "title": "dct:title",
    "description": "dct:description",
    "prefLabel": "skos:prefLabel",
    "geographicName": "locn:geographicName",
    "type": "dct:type",
    "spatial": "dct:spatial",
    "hasCompetentAuthority": "cv:hasCompetentAuthority",
    "hasLegalResource": "cv:hasLegalResource",
    "hasCost": "cv:hasCost",
    "hasValue": {"@id": "cv:hasValue", "@type": "xsd:double"},
    "currency": "cv:currency",
    "hasChannel": "cv:hasChannel",
    "holdsRequirement": "cv:holdsRequirement",
    "hasInput": "cpsv:hasInput",
    "processingTime": {"@id": "cv:processingTime", "@type": "xsd:duration"},
}


def area(edition: Edition) -> dict[str, Any]:
    """The area the catalogue serves: the government's name without 人民政府 (复兴区)."""
    name = wording.area_name(edition.catalogue.name)
    return {"@id": site_root(edition) + "#area", "@type": "Location", "geographicName": name}


def authority(edition: Edition, power: EditionPower) -> dict[str, Any]:
    page = wording.absolute_url(site_root(edition), wording.department_url(power.dept_slug))
    return {"@id": page, "@type": "PublicOrganisation", "prefLabel": power.department.name, "spatial": area(edition)}


def _limit_text(power: EditionPower) -> str:
    statutory, promised = wording.limit_texts(power.record.time_limit)
    return f"法定时限:{statutory};承诺时限:{promised}"


def processing_time(power: EditionPower) -> dict[str, str]:
    """cv:processingTime where a duration can say it: 即办, or a promised limit in calendar days."""
    limit = power.record.time_limit
    if limit is None or limit.promised is None or (limit.promised and limit.unit != "自然日"):
        return {}
    return {"processingTime": f"P{limit.promised}D"}


def costs(page: str, power: EditionPower) -> list[dict[str, Any]]:
    """Each fee as a Cost in words (a standard such as 每本10元 is no single number); 不收费 as a cost of 0 yuan."""
    code = power.code
    if not power.record.fees:
        free = {"@id": f"{page}#fee", "@type": "Cost", "identifier": f"{code}-fee", "description": wording.NO_FEE}
        return [free | {"hasValue": 0.0, "currency": {"@id": CNY, "@type": "Concept", "prefLabel": "人民币"}}]
    return [
        {"@id": f"{page}#fee-{i}", "@type": "Cost", "identifier": f"{code}-fee-{i}", "description": wording.fee_text(f)}
        for i, f in enumerate(power.record.fees, 1)
    ]


def channels(page: str, power: EditionPower) -> list[dict[str, Any]]:
    """Where the service is obtained: the department's window and phone when known, and the power's page."""
    dept, code = power.department, power.code
    found = (
        [("window", f"服务窗口:{dept.window}" + (f"({dept.address})" if dept.address else ""))] if dept.window else []
    )
    found += [("phone", f"咨询电话:{dept.phone}")] if dept.phone else []
    found += [("web", f"网站:{page}")]
    return [
        {"@id": f"{page}#channel-{k}", "@type": "Channel", "identifier": f"{code}-{k}", "description": d}
        for k, d in found
    ]


def service(edition: Edition, power: EditionPower) -> dict[str, Any]:
    rec, code = power.record, power.code
    page = wording.absolute_url(site_root(edition), wording.power_url(code))
    category = {
        "@id": wording.absolute_url(site_root(edition), wording.category_url(edition.category_codes()[rec.category]))
    }
    trigger = f";启动方式:{rec.procedure.trigger}" if rec.procedure else ""
    return {
        "@id": page,
        "@type": "PublicService",
        "identifier": code,
        "title": rec.name,
        "description": f"{rec.category};实施部门:{power.department.name}(承办科室:{rec.office});"
        f"{_limit_text(power)}{trigger}",
        "type": category | {"@type": "Concept", "prefLabel": rec.category},
        "hasCompetentAuthority": authority(edition, power),
        "spatial": area(edition),
        "hasLegalResource": [
            {"@id": f"{page}#basis-{i}", "@type": "LegalResource", "title": wording.basis_text(b)}
            for i, b in enumerate(rec.basis, 1)
        ],
        "hasCost": costs(page, power),
        "hasChannel": channels(page, power),
        "holdsRequirement": [
            {"@id": f"{page}#condition-{i}", "@type": "Requirement", "identifier": f"{code}-condition-{i}", "title": c}
            for i, c in enumerate(rec.conditions, 1)
        ],
        "hasInput": [
            {"@id": f"{page}#material-{i}", "@type": "Evidence", "identifier": f"{code}-material-{i}", "title": m.name}
            for i, m in enumerate(rec.materials, 1)
        ],
        **processing_time(power),
    }


def cpsv_chunks(edition: Edition, runs: Runs) -> Iterator[bytes]:
    """cpsv-ap.jsonld, a department's services at a time."""
    services = runs.of("cpsv-ap.jsonld", lambda p: json_item(service(edition, p)), ITEMS)
    return json_chunks({"@context": CONTEXT}, "@graph", services, {})


def cpsv_file(edition: Edition, runs: Runs) -> Download:
    return Download(
        CPSV_FILE,
        "公共服务描述（CPSV-AP 3.2，JSON-LD）",
        "application/ld+json",
        "JSON-LD",
        "每个公开事项一个 CPSV-AP 3.2 PublicService（编码、名称、说明、实施部门、权力依据、收费、办理渠道、"
        "办理条件、申请材料），符合官方 SHACL 约束；@context 写在文件内，离线也能解析。"
        "以工作日计的时限无法写成 xsd:duration，写在说明中；即办和以自然日计的承诺时限写作 processingTime",
        lambda: cpsv_chunks(edition, runs),
    )
