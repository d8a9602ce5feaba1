"""Every catalogue quotes its source verbatim and accounts for every line of it."""

from pathlib import Path

import pytest

from gongkai.packs.catalogue import CatalogueError, check_against_source, load_catalogue

RULES = Path(__file__).resolve().parent.parent / "rules"
CATALOGUES = sorted(RULES.glob("*/clauses.yaml"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.name)
def test_catalogue_is_verbatim_and_complete(path: Path) -> None:
    catalogue = load_catalogue(path, RULES / "sources")
    assert catalogue.clauses, "a catalogue with no clauses"
    assert all(c.id.startswith(catalogue.document.code + "-") for c in catalogue.clauses)


def test_a_paraphrased_clause_is_rejected() -> None:
    catalogue = load_catalogue(RULES / "QL" / "clauses.yaml", RULES / "sources")
    clause = catalogue.clauses[0]
    tampered = catalogue.model_copy(update={"clauses": [clause.model_copy(update={"text": clause.text + "〇〇"})]})
    source = (RULES / "sources" / catalogue.document.source).read_text(encoding="utf-8")
    with pytest.raises(CatalogueError, match="not verbatim"):
        check_against_source(tampered, source)


def _catalogue(*texts: str) -> object:
    from gongkai.packs.catalogue import Catalogue

    return Catalogue.model_validate(
        {
            "document": {"code": "QL", "title": "t", "issuer": "i", "source": "s"},
            "clauses": [
                {"id": f"QL-1-{n}", "path": "p", "text": t, "class": "not-checkable", "reason": "r"}
                for n, t in enumerate(texts, 1)
            ],
        }
    )


def test_a_printed_line_may_be_split_into_several_clauses() -> None:
    source = "一、甲应当公开。乙应当备案。\n二、丙。\n"
    check_against_source(_catalogue("一、甲应当公开。", "乙应当备案。", "二、丙。"), source)


def test_a_sentence_left_out_of_every_clause_is_named() -> None:
    source = "一、甲应当公开。乙应当备案。\n"
    with pytest.raises(CatalogueError, match="source text in no clause nor omitted: '乙应当备案。'"):
        check_against_source(_catalogue("一、甲应当公开。"), source)


def _with_preamble(marker: str | None, *texts: str) -> object:
    from gongkai.packs.catalogue import Catalogue

    return Catalogue.model_validate(
        {
            "document": {"code": "CN08", "title": "t", "issuer": "i", "source": "s"},
            "preamble_until": marker,
            "clauses": [
                {"id": f"CN08-{n}", "path": "p", "text": t, "class": "not-checkable", "reason": "r"}
                for n, t in enumerate(texts, 1)
            ],
        }
    )


PREAMBLE_SOURCE = "# 条例\n来源:某某网站,逐条核对。\n第一条 甲。\n<!-- INFO END -->\n\n第一条 甲。\n第二条 乙。\n"


def test_the_preamble_above_its_marker_is_furniture_and_no_clause_is_looked_for_there() -> None:
    check_against_source(_with_preamble("<!-- INFO END -->", "第一条 甲。", "第二条 乙。"), PREAMBLE_SOURCE)
    with pytest.raises(CatalogueError, match="source text in no clause nor omitted: '来源:某某网站,逐条核对。'"):
        check_against_source(_with_preamble(None, "第一条 甲。", "第二条 乙。"), PREAMBLE_SOURCE)
    # a clause quoting only the preamble is not verbatim in the document
    with pytest.raises(CatalogueError, match="'CN08-3' is not verbatim"):
        check_against_source(
            _with_preamble("<!-- INFO END -->", "第一条 甲。", "第二条 乙。", "来源:某某网站"), PREAMBLE_SOURCE
        )


def test_a_preamble_marker_that_is_not_a_line_of_the_source_is_named() -> None:
    with pytest.raises(CatalogueError, match="preamble_until '<!-- END -->' is not a line of the source"):
        check_against_source(_with_preamble("<!-- END -->", "第一条 甲。", "第二条 乙。"), PREAMBLE_SOURCE)


def test_a_pack_code_may_carry_the_year_of_its_text() -> None:
    from pydantic import ValidationError

    from gongkai.packs.catalogue import CLAUSE_ID, Document

    assert CLAUSE_ID.match("CN08-24-p2") and CLAUSE_ID.match("CN08-6-s2") and CLAUSE_ID.match("QL-5-10")
    assert not CLAUSE_ID.match("CN2008-24") and not CLAUSE_ID.match("C-24")
    Document(code="CN08", title="t", issuer="i", source="s")
    for code in ("CN2008", "CN8", "cn08"):
        with pytest.raises(ValidationError):
            Document(code=code, title="t", issuer="i", source="s")
