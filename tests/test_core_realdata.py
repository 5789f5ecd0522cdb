"""Real published data (shared/realdata/) loads into records: long citations, odd punctuation, many tiers."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from factory import write_catalogue
from realdata_convert import REALDATA, guangan_items, jiangmen_no_penalty, jiangmen_penalties

from generator.core.edition import make_edition
from generator.core.validate import check_catalogue

pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata/ is not beside this checkout")
TODAY = dt.date(2026, 11, 22)
ECO = {"name": "江门市生态环境局", "code": "HB"}


def test_jiangmen_discretion_tables_load_clean(tmp_path):
    root = write_catalogue(tmp_path, {"hbj": (ECO, jiangmen_penalties("HB") + jiangmen_no_penalty("HB"))})
    catalogue, report = check_catalogue(root, TODAY)
    assert report.problems == []
    powers = [p.record for _, p in catalogue.powers()]
    assert len(powers) == 165 + 40
    assert max(len(p.discretion[0].tiers) for p in powers if p.discretion) == 15
    assert len(make_edition(catalogue).powers()) == 205


def test_guangan_item_list_loads_and_reports_only_the_missing_basis(tmp_path):
    departments = guangan_items()
    root = write_catalogue(tmp_path, departments)
    _, report = check_catalogue(root, TODAY)
    total = sum(len(powers) for _, powers in departments.values())
    assert report.records == total == 40
    # the source publishes names only: every record lacks 权力依据, and nothing else is wrong
    assert Counter(p.message for p in report.problems) == {"缺少必填字段「权力依据」(basis)": total}
