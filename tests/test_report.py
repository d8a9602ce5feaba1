"""gongkai report: the law ↔ rule ↔ scenario site, read in a real browser.

Headless Chromium (Debian's, driven by Playwright with the system executable: no browser
is downloaded) opens the report from disk, goes from the document to a clause, from the
clause to its rule, from the rule to a scenario, searches, checks what each page shows, and
saves screenshots under build/screenshots/. Locally the browser test is skipped when
Chromium is missing; in CI (CI=true) it is never skipped.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from gongkai.check.decision import Outcome
from gongkai.check.runtime import build_checker
from gongkai.packs import conditions as c
from gongkai.review.mutate import run, write_json
from gongkai.review.report import glossed, readable, write_site
from tests.conftest import ROOT

RULES, FEATURES = ROOT / "rules", ROOT / "features"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium() -> str | None:
    return next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report, with the mutation results of QL-5-10's rules (a quick subset)."""
    tmp = tmp_path_factory.mktemp("report")
    report = run(RULES, FEATURES, workers=1, only="QL-5-10", progress=False)
    mutation = tmp / "mutation.json"
    write_json(report, mutation)
    checker = build_checker(RULES)
    results = json.loads(mutation.read_text(encoding="utf-8"))
    return write_site(tmp / "site", checker.lawbook, checker, FEATURES, results).parent


def test_conditions_read_in_chinese() -> None:
    checker = build_checker(RULES)
    vocab = checker.lawbook.vocabulary["answer_request"]
    node = c.parse('not answered_on_the_spot and answer_deadline_overdue > 0 and answer_type in ["refused"]')
    assert readable(node, vocab) == (
        "“已当场答复或者提供”为否,并且“答复或者提供政务信息期限逾期”大于 0,并且“答复方式”为「不予公开」"
    ) or readable(node, vocab).startswith("“已当场答复或者提供”为否,并且“答复或者提供政务信息期限逾期”大于 0")
    html = glossed("not answered_on_the_spot and breached(QL-5-9.not-registered)", vocab, "../")
    assert '<abbr class="fact" title="已当场答复或者提供">answered_on_the_spot</abbr>' in html
    assert '<a href="../rule/QL-5-9.not-registered.html">QL-5-9.not-registered</a>' in html


def test_the_site_is_self_contained(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 900
    for page in pages[:: max(1, len(pages) // 50)]:
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, page  # nothing fetched from anywhere
    assert (site / "search-index.js").read_text(encoding="utf-8").startswith("window.GONGKAI_INDEX = [")


def test_the_overview_explains_every_outcome_not_covered_included(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for outcome in Outcome:
        assert f"<dt>{outcome.term} <code>{outcome.value}</code></dt>" in index
        assert outcome.meaning in index
    assert "不在规则覆盖范围" in index and "不表示合规" in index


def test_in_a_browser_from_clause_to_rule_to_scenario(site: Path) -> None:
    executable = chromium()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: Chromium is missing (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto((site / "index.html").as_uri())
            expect(page.locator("#mutation-score")).to_contain_text("变异得分")

            # index → document QL → clause QL-5-10, quoted verbatim with its rules
            page.get_by_role("link", name="QL 清流县市场监督管理局政务公开制度").click()
            page.locator(".toc").get_by_role("link", name="QL-5-10", exact=True).click()
            clause = page.locator("article#QL-5-10")
            expect(clause).to_contain_text("应当在收到申请之日起15个工作日内予以答复或者提供政务信息")
            expect(clause.locator(".readable").first).to_contain_text("为")
            expect(clause).to_contain_text("与其他文件冲突:答复期限")
            page.screenshot(path=str(SCREENSHOTS / "report-clause.png"))

            # clause → its rule: the condition in Chinese, fact names glossed, the scenarios' results
            clause.get_by_role("link", name="QL-5-10.answer-late", exact=True).click()
            expect(page.locator("h1#rule-id")).to_have_text("QL-5-10.answer-late")
            expect(page.locator("#readable")).to_contain_text("“答复或者提供政务信息期限逾期”大于 0")
            expect(page.locator("abbr.fact[title='已当场答复或者提供']").first).to_be_visible()
            row = page.locator("#scenarios tr", has_text="同一申请在第16个工作日(10月24日)答复,逾期")
            expect(row).to_contain_text("通过")
            expect(row).to_contain_text("不合规")
            expect(page.locator("body")).to_contain_text("个变异体")
            page.screenshot(path=str(SCREENSHOTS / "report-rule.png"), full_page=True)

            # rule → scenario: its steps and its latest result
            row.get_by_role("link").click()
            expect(page.locator("h1")).to_have_text("同一申请在第16个工作日(10月24日)答复,逾期")
            expect(page.locator("#result")).to_contain_text("通过")
            expect(page.locator(".steps")).to_contain_text('违反规则"QL-5-10.answer-late"')
            expect(page.locator(".steps table.facts").first).to_contain_text("收到申请之日")

            # search by text, from any page
            page.locator("#search").fill("15个工作日内 答复")
            result = page.locator("#results a", has_text="QL-5-10").first
            expect(result).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "report-search.png"))
            result.click()
            expect(page.locator("article#QL-5-10")).to_be_visible()
        finally:
            browser.close()
    assert (SCREENSHOTS / "report-rule.png").stat().st_size > 10_000
