"""The 公文 reader: real documents (tests/documents/), and the layouts the corpus lacks."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from gongkai.cli import cli
from gongkai.reader.document import Ambiguous, Span, read
from gongkai.reader.text import UnreadableDocument, decode
from tests.reading_corpus import CORPUS, EXACT, documents, returned_distractors, same, score, value

CORPUS_DOCS = documents()
KNOWN = yaml.safe_load((CORPUS / "KNOWN_MISSES.yaml").read_text())


def test_the_corpus_is_real_and_large_enough() -> None:
    assert len(CORPUS_DOCS) >= 30
    for doc in CORPUS_DOCS:
        assert doc.source.get("url") or doc.source.get("path"), doc.name


@pytest.mark.parametrize("doc", CORPUS_DOCS, ids=[d.name for d in CORPUS_DOCS])
def test_number_date_and_label_exact_and_no_distractor(doc) -> None:
    reading = read(doc.text)
    for name in EXACT:
        assert same(name, value(reading, name), doc.expected.get(name)), (name, value(reading, name))
    assert returned_distractors(doc, reading) == []


@pytest.mark.parametrize("doc", CORPUS_DOCS, ids=[d.name for d in CORPUS_DOCS])
def test_every_span_slices_the_text_to_what_is_printed(doc) -> None:
    reading = read(doc.text)
    spans: list[Span] = list(reading.cited_documents)
    for name in type(reading).model_fields:
        found = getattr(reading, name)
        spans += found.candidates if isinstance(found, Ambiguous) else [found] if isinstance(found, Span) else []
    assert spans, "the reader found nothing at all"
    for span in spans:
        assert doc.text[span.start : span.end] == span.text


def test_no_field_regresses() -> None:
    result = score(CORPUS_DOCS)
    known = set(KNOWN)
    misses = {line.split(":", 1)[0] for line in result.failures}
    assert misses - known == set(), [f for f in result.failures if f.split(":", 1)[0] not in known]
    assert known - misses == set(), f"fixed — remove from KNOWN_MISSES.yaml: {sorted(known - misses)}"


# A layout after GB/T 9704-2012 (份号, 密级, 紧急程度, 版头, 发文字号 with 签发人, 附件说明, 附注):
# the public corpus has none of these, since documents that carry them are rarely published.
CONSTRUCTED = """000123
秘密★1年
特急
某某省人民政府办公厅文件
某办发〔2024〕5号          签发人:张三
某某省人民政府办公厅关于做好某项工作的通知
各市人民政府,省政府各部门:
根据《某某部关于某事项的通知》(某部发〔2023〕12号)要求,现将有关事项通知如下。
附件:1. 工作方案
      2. 联系表
某某省人民政府办公厅
二〇二四年三月五日
(此件依申请公开)
"""


def test_a_constructed_gbt_9704_layout() -> None:
    r = read(CONSTRUCTED)
    assert r.secrecy.value == "秘密★1年"
    assert r.urgency.value == "特急"
    assert r.issuer.value == "某某省人民政府办公厅"
    assert r.document_number.value == "某办发〔2024〕5号"
    assert r.signer.value == "张三"
    assert r.title.value == "某某省人民政府办公厅关于做好某项工作的通知"
    assert r.addressees.value == "各市人民政府,省政府各部门"
    assert r.written_on.value == "2024-03-05" and r.written_on.text == "二〇二四年三月五日"
    assert r.disclosure_label.value == "此件依申请公开"
    assert r.attachments.value == ["工作方案", "联系表"]
    assert [c.value for c in r.cited_documents] == [{"title": "某某部关于某事项的通知", "number": "某部发〔2023〕12号"}]


@pytest.mark.parametrize(
    ("printed", "iso"),
    [("二〇一九年三月五日", "2019-03-05"), ("二O一五年7月3日", "2015-07-03"), ("二○二○年十二月三十一日", "2020-12-31"),
     ("二零一八年十月一日", "2018-10-01"), ("2017年4月25日", "2017-04-25")],
)  # fmt: skip
def test_dates_in_every_numeral_style(printed: str, iso: str) -> None:
    assert read(f"某县人民政府关于某事的通知\n各乡镇:\n正文。\n某县人民政府\n{printed}\n").written_on.value == iso


@pytest.mark.parametrize(
    ("label", "value"),
    [("(此件公开发布)", "此件公开发布"), ("（此件不予公开）", "此件不予公开"), ("此件公開發布", "此件公开发布"),
     ("(此件依申请公开)", "此件依申请公开"), ("(此件主动公开)", "此件公开发布")],
)  # fmt: skip
def test_labels_in_every_printed_form(label: str, value: str) -> None:
    text = f"某县人民政府关于某事的通知\n各乡镇:\n正文。\n某县人民政府\n2020年1月2日\n{label}\n"
    found = read(text).disclosure_label
    assert found.value == value and found.text == label.strip()


def test_a_label_quoted_in_a_sentence_is_not_the_documents() -> None:
    text = "某县人民政府关于某事的通知\n各乡镇:\n印发公文时要标注“此件公开发布”。\n某县人民政府\n2020年1月2日\n"
    assert read(text).disclosure_label is None


def test_two_different_own_numbers_are_reported_not_chosen() -> None:
    text = "某政发〔2020〕1号\n某政发〔2020〕2号\n某县人民政府关于某事的通知\n各乡镇:\n正文。\n"
    found = read(text).document_number
    assert isinstance(found, Ambiguous)
    assert [c.value for c in found.candidates] == ["某政发〔2020〕1号", "某政发〔2020〕2号"]
    assert found.reason


def test_brackets_of_every_style_and_traditional_script_normalise() -> None:
    for printed in ("某政發[2020]7號", "某政发【2020】7号", "某政发(2020)7号", "某政發(hào)〔2020〕7號"):
        found = read(f"{printed}\n某县人民政府关于某事的通知\n各乡镇:\n正文。\n").document_number
        assert found.value == "某政发〔2020〕7号", printed


def test_encodings_and_docx(tmp_path: Path) -> None:
    text = (CORPUS / "02.txt").read_text(encoding="utf-8")
    assert decode(text.encode("gb18030")) == text
    assert decode(text.encode("utf-8-sig")) == text
    document = docx.Document()
    for line in CONSTRUCTED.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert read(decode(buffer.getvalue(), "x.docx")).document_number.value == "某办发〔2024〕5号"
    with pytest.raises(UnreadableDocument):
        decode(b"\xff\xfe\x00\xd8\x00\x00garbage\x81", "x.txt")


def test_gongkai_read_prints_the_fields_with_spans(tmp_path: Path) -> None:
    seed = CORPUS / "02.txt"
    result = CliRunner().invoke(cli, ["read", str(seed)], standalone_mode=False)
    assert result.exit_code == 0, result.output
    import json

    reading = json.loads(result.output)
    text = seed.read_text(encoding="utf-8")
    assert reading["document_number"]["value"] == "岫政办发〔2020〕37号"
    for name in ("document_number", "written_on", "disclosure_label", "title"):
        field = reading[name]
        assert text[field["start"] : field["end"]] == field["text"]
    from_stdin = CliRunner().invoke(cli, ["read", "-"], input=seed.read_bytes(), standalone_mode=False)
    assert json.loads(from_stdin.output) == reading


def test_gongkai_read_refuses_unreadable_bytes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x81\x30\x81")  # not UTF-8, and an incomplete GB18030 sequence
    result = CliRunner().invoke(cli, ["read", str(bad)])
    assert result.exit_code == 3
    assert "编码" in result.output and "Traceback" not in result.output
