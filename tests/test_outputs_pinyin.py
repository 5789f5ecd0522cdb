"""The pinyin of power names: polyphonic characters read as in the phrase, initials and order."""

import json

import pytest

from generator.outputs.pinyin import OTHER, Readings, initial, plain, reading, sort_key

POLYPHONIC = [
    ("行政许可", "xíng zhèng xǔ kě"),
    ("银行业金融机构设立审批", "yín háng yè jīn róng jī gòu shè lì shěn pī"),
    ("重新申领营业执照", "chóng xīn shēn lǐng yíng yè zhí zhào"),
    ("重大行政决策", "zhòng dà xíng zhèng jué cè"),
    ("单位登记", "dān wèi dēng jì"),
    ("会计从业资格", "kuài jì cóng yè zī gé"),
    ("长江航道采砂许可", "cháng jiāng háng dào cǎi shā xǔ kě"),
    ("种子生产经营许可", "zhǒng zi shēng chǎn jīng yíng xǔ kě"),
    ("人民调解", "rén mín tiáo jiě"),
]


@pytest.mark.parametrize(("name", "expected"), POLYPHONIC)
def test_polyphonic_characters_read_as_in_the_phrase(name: str, expected: str) -> None:
    assert reading(name) == expected


def test_initials() -> None:
    assert initial("行政许可") == "X"
    assert initial("银行业金融机构设立审批") == "Y"
    assert initial("重新申领营业执照") == "C"
    assert initial("单位登记") == "D"
    assert initial("GMP认证") == "G"
    assert initial("《条例》规定的处罚") == OTHER
    assert initial("123") == OTHER


def test_order_by_pinyin_then_characters() -> None:
    names = ["行政处罚", "安全生产许可", "银行业监督", "单位登记", "重新申领营业执照"]
    assert sorted(names, key=sort_key) == ["安全生产许可", "重新申领营业执照", "单位登记", "行政处罚", "银行业监督"]
    assert plain("行政许可") == "xing zheng xu ke"


def test_readings_are_kept_in_a_file_for_the_names_last_asked_for(tmp_path) -> None:
    file = tmp_path / "pinyin.json"
    first = Readings(file)
    assert [first.reading(n) for n, _ in POLYPHONIC[:3]] == [r for _, r in POLYPHONIC[:3]]
    assert first.plain("行政许可") == plain("行政许可")
    first.save()
    kept = json.loads(file.read_text(encoding="utf-8"))["names"]
    assert sorted(kept) == sorted(n for n, _ in POLYPHONIC[:3])  # 行政许可 among them
    kept["行政许可"] = ["planted", "planted"]  # what the file says is what a later build reads
    file.write_text(json.dumps({"stamp": first.stamp, "names": kept}, ensure_ascii=False), encoding="utf-8")
    second = Readings(file)
    assert second.plain("行政许可") == "planted" and second.reading("单位登记") == "dān wèi dēng jì"
    second.save()
    assert sorted(json.loads(file.read_text(encoding="utf-8"))["names"]) == ["单位登记", "行政许可"]  # pruned
    stale = json.loads(file.read_text(encoding="utf-8")) | {"stamp": "another pypinyin"}
    file.write_text(json.dumps(stale), encoding="utf-8")
    assert Readings(file).plain("行政许可") == "xing zheng xu ke"  # a file of another pypinyin is not read
