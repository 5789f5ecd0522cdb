"""What each edition shows: the public one never carries more than four fields of a confidential power."""

from __future__ import annotations

import hashlib

from factory import department, power, write_catalogue

from generator.core.edition import EditionPower, Withheld, make_edition, prime_digests
from generator.core.validate import load_valid


def catalogue(tmp_path):
    secret = power("FX01TJ-XK-0002", name="涉密审批", confidential={"reason": "涉及国家秘密"})
    internal = power(
        "FX01TJ-XK-0003", name="内部审批", disclosure={"scope": "部门内部", "forms": ["内网"], "timing": "长期"}
    )
    dept = department() | {"supervision": [{"name": "局纪检组", "phone": "1"}, {"name": "区纪委监委", "phone": "2"}]}
    own = power(supervision=[{"name": "群众监督员", "phone": "3"}])
    return load_valid(write_catalogue(tmp_path, {"tjj": (dept, [own, secret, internal])}))


def test_public_edition_reduces_confidential_and_drops_internal(tmp_path):
    edition = make_edition(catalogue(tmp_path), "public")
    assert [p.code for p in edition.powers()] == ["FX01TJ-XK-0001"]
    assert edition.withheld() == [Withheld("FX01TJ-XK-0002", "涉密审批", "行政许可", "涉及国家秘密")]


def test_internal_edition_adds_internal_powers_and_still_reduces_confidential(tmp_path):
    edition = make_edition(catalogue(tmp_path), "internal")
    assert [p.code for p in edition.powers()] == ["FX01TJ-XK-0001", "FX01TJ-XK-0003"]
    assert edition.withheld() == [Withheld("FX01TJ-XK-0002", "涉密审批", "行政许可", "涉及国家秘密")]


def test_supervision_merges_catalogue_department_and_power(tmp_path):
    [shown] = make_edition(catalogue(tmp_path)).powers()
    assert isinstance(shown, EditionPower)
    # the department's 区纪委监委 replaces the catalogue's entry of the same name
    assert [(s.name, s.phone) for s in shown.supervision] == [
        ("区纪委监委", "2"),
        ("局纪检组", "1"),
        ("群众监督员", "3"),
    ]
    assert [c.contact for c in shown.complaints] == ["12345"]


def written_out(shown: EditionPower) -> str:
    """The digest as its docstring defines it, every model written out."""
    own = hashlib.sha256(shown.record.model_dump_json().encode("utf-8")).hexdigest()
    parts = [shown.department, *shown.supervision, "", *shown.complaints]
    text = "\0".join([shown.dept_slug, own, *(p if isinstance(p, str) else p.model_dump_json() for p in parts)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_digests_made_at_once_are_those_made_one_by_one(tmp_path):
    dept = department() | {"supervision": [{"name": "局纪检组", "phone": "1"}]}
    records = [power(f"FX01TJ-XK-{n:04d}", supervision=[{"name": f"监督员{n}", "phone": str(n)}]) for n in (1, 2, 3)]
    loaded = load_valid(write_catalogue(tmp_path, {"tjj": (dept, records)}))
    primed, lazy = make_edition(loaded).powers(), make_edition(loaded).powers()
    prime_digests(primed)
    assert [p.digest for p in primed] == [p.digest for p in lazy] == [written_out(p) for p in lazy]
    assert len({p.digest for p in primed}) == 3
