"""dcat.jsonld: a DCAT-AP description of the catalogue as a dataset and of each download as a distribution
(media type, byte size, modified date), with its @context inline."""

from __future__ import annotations

from typing import Any

from generator.core.edition import Edition
from generator.outputs.opendata.common import DATA_FOLDER, LANGUAGE, Download, data_url, json_bytes, site_root, updated

DCAT_FILE = "dcat.jsonld"
IANA = "https://www.iana.org/assignments/media-types/"
CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "@language": LANGUAGE,
    "Catalog": "dcat:Catalog",
    "Dataset": "dcat:Dataset",
    "Distribution": "dcat:Distribution",
    "Agent": "foaf:Agent",
    "RightsStatement": "dct:RightsStatement",
    "MediaType": "dct:MediaType",
    "title": "dct:title",
    "description": "dct:description",
    "name": "foaf:name",
    "label": "rdfs:label",
    "publisher": "dct:publisher",
    "rights": "dct:rights",
    "dataset": "dcat:dataset",
    "distribution": "dcat:distribution",
    "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
    "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "mediaType": "dcat:mediaType",
    "format": {"@id": "dct:format", "@language": None},
    "byteSize": {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
}


def distribution(edition: Edition, item: Download, modified: str) -> dict[str, Any]:
    url = data_url(edition, item.name)
    return {
        "@id": url,
        "@type": "Distribution",
        "title": item.title,
        "description": item.description,
        "accessURL": data_url(edition, ""),
        "downloadURL": url,
        "mediaType": {"@id": IANA + item.media_type, "@type": "MediaType"},
        "format": item.format,
        "byteSize": str(item.size),
        "modified": modified,
    }


def dcat_document(edition: Edition, files: list[Download]) -> dict[str, Any]:
    cat, root, modified = edition.catalogue, site_root(edition), updated(edition).isoformat()
    rights = {"rights": {"@id": f"{root}{DATA_FOLDER}/#licence", "@type": "RightsStatement", "label": cat.licence}}
    publisher = {"@id": root + "#publisher", "@type": "Agent", "name": cat.name}
    dataset = {
        "@id": f"{root}{DATA_FOLDER}/#dataset",
        "@type": "Dataset",
        "title": f"{cat.name}行政权力清单",
        "description": f"{cat.name}各部门行政权力事项的公开清单:权力依据、办理条件、申请材料、收费、时限、流程、"
        "监督和投诉途径",
        "publisher": publisher,
        "landingPage": data_url(edition, ""),
        "modified": modified,
        **(rights if cat.licence else {}),
        "distribution": [distribution(edition, f, modified) for f in files],
    }
    catalog = {
        "@id": f"{root}{DATA_FOLDER}/#catalog",
        "@type": "Catalog",
        "title": f"{cat.name}开放数据",
        "description": f"{cat.name}行政权力清单的开放数据",
        "publisher": publisher,
        "dataset": dataset,
    }
    return {"@context": CONTEXT, "@graph": [catalog]}


def dcat_file(edition: Edition, files: list[Download]) -> Download:
    return Download(
        DCAT_FILE,
        "数据集描述（DCAT-AP，JSON-LD）",
        "application/ld+json",
        "JSON-LD",
        "本数据集和以上各文件的 DCAT-AP 描述（媒体类型、字节数、更新日期），供数据目录和开放数据平台汇聚",
        lambda: [json_bytes(dcat_document(edition, files))],
    )
