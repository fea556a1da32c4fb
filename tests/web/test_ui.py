"""The web UI in a real browser (Debian's Chromium through Playwright) against the real service on loopback.

Every test fails if the page logs a console error or warning, throws, or a request fails (the `desktop`
fixture and `_phone` check it). What the page shows is compared with what the API stored.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from .conftest import Console, Service, open_page, shoot

pytestmark = pytest.mark.browser
LLAMA = "I need to deploy Llama 3.1 70B"
SERVE = "Serve an 8B model for 20 concurrent users with a budget of $5000 per month"
RAG = "A RAG chatbot over our documents with Llama 3.1 8B for 20 concurrent users, budget $3000 per month"


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _planned(page) -> None:  # noqa: ANN001
    """The plan is shown and the turn is over (the history re-read, the box usable again)."""
    page.wait_for_selector("#plan-body:not([hidden])")
    page.wait_for_selector("#messages:not([aria-busy])", state="attached")
    expect(page.locator("#send")).to_be_enabled()


def _cid(page) -> str:  # noqa: ANN001
    return re.fullmatch(r".*#c=([0-9a-f]+)", page.url).group(1)


def test_a_conversation_from_first_message_to_plan_with_a_quick_reply(desktop, service: Service) -> None:  # noqa: ANN001
    page = desktop
    streams = []
    page.on("request", lambda r: streams.append(r.url.split("/api/v1/chat/")[1]) if "/stream" in r.url else None)
    page.goto("/")
    assert page.locator("#intro").is_visible() and page.locator("#plan-empty").is_visible()
    expect(page.locator("#export")).to_be_hidden()  # nothing to export or pick before the first plan
    expect(page.locator(".version-picker")).to_be_hidden()
    page.fill("#composer-input", LLAMA)
    page.keyboard.press("Enter")

    # the clarification: its questions as quick replies, the options the API stored
    page.wait_for_selector(".message.assistant[data-kind=clarification] .quick-reply")
    shoot(page, "01-clarification")
    cid = _cid(page)
    history = service.http.get(f"/api/v1/chat/{cid}").json()
    asked = history["messages"][-1]["questions"]
    chips = page.locator(".quick-reply[data-field]").all_inner_texts()
    assert chips == [option for q in asked for option in q["options"]] and "$10,000/month" in chips
    assert page.locator(".message.user").first.inner_text() == LLAMA
    assert page.locator(f'#conversation-list li[data-id="{cid}"] .title').inner_text() == LLAMA

    # a chip answers its own question only: nothing is sent while another question waits for its answer
    page.get_by_role("button", name="$10,000/month").click()
    expect(page.get_by_role("button", name="$10,000/month")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".send-answers")).to_have_text(
        f"Send this answer — defaults for the other {len(asked) - 1} questions")
    assert page.locator(".message.user").count() == 1 and streams == ["start/stream"]
    answers = {"budget_usd_per_month": "$10,000/month"}
    for question in asked:
        if question["field"] not in answers:
            answers[question["field"]] = question["options"][-1 if question["field"] == "providers" else 0]
            page.locator(f'.quick-reply[data-field="{question["field"]}"]', has_text=answers[question["field"]]).click()
    _planned(page)
    shoot(page, "02-plan")
    assert streams == ["start/stream", "message/stream"]  # both turns streamed over SSE
    assert page.locator(".quick-reply").count() == 0

    history = service.http.get(f"/api/v1/chat/{cid}").json()
    sent = "; ".join(answers[q["field"]] for q in asked)  # the answers together, in the questions' order
    assert [m["content"] for m in history["messages"] if m["role"] == "user"] == [LLAMA, sent]
    assert history["spec"]["budget_usd_per_month"] == 10000 and history["latest_plan_version"] == 1
    assert history["spec"].get("providers") is None and history["spec"]["concurrent_users"] == 10  # anywhere
    plan = service.http.get(f"/api/v1/chat/{cid}/plans/1").json()
    assert page.locator("#plan-title").inner_text() == "Plan v1"
    assert page.locator("#panel-summary .summary-text").inner_text() == plan["summary"]
    # the chat shows the report's summary; the rest folds away
    reply = page.locator(".message.assistant[data-kind=plan]").last
    assert plan["summary"] in reply.inner_text() and reply.locator("details.report").count() == 1
    assert reply.locator("details.report").get_attribute("open") is None

    # compute: one row per option, the API's numbers, sortable by any column (keyboard too)
    page.click("#tab-compute")
    rows = page.locator(".compute-table tbody tr")
    assert rows.count() == len(plan["compute"]) >= 2
    first = rows.nth(0).locator("td").all_inner_texts()
    top = plan["compute"][0]
    # the decision columns: #, the option (provider over instance), GPU, count, $/month (marked when over the
    # budget), fits
    assert first[1].split("\n") == [top["provider"], top["instance_type"]] and first[2] == top["accelerator"]
    assert first[4].split("\n")[0] == _money(top["monthly_cost_usd"]) and first[5] == "fits"
    monthly = page.locator('.compute-table .sort[data-key="monthly"]')  # sortable by any column (keyboard too)
    monthly.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # second press: descending
    assert page.locator('.compute-table th:has(.sort[data-key="monthly"])').get_attribute("aria-sort") == "descending"
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    # descending within each group, the options over the budget after those within it, each marked as the API says
    expected = sorted(plan["compute"], key=lambda r: (r["within_budget"] is False, -r["monthly_cost_usd"]))
    assert [c[4].split("\n")[0] for c in cells] == [_money(r["monthly_cost_usd"]) for r in expected]
    assert [c[4].endswith("over budget") for c in cells] == [r["within_budget"] is False for r in expected]
    page.get_by_role("button", name=re.compile("^All columns")).click()  # provider, region, … on demand
    page.click('.compute-table .sort[data-key="provider"]')
    assert page.locator('.compute-table th:has(.sort[data-key="provider"])').get_attribute("aria-sort") == "ascending"

    # cost: a chart of the breakdown with the budget marked; the table holds the plan's figures
    page.click("#tab-cost")
    chart = page.locator("#panel-cost .chart svg").first
    assert chart.locator("rect").count() == 4 and chart.locator("line").count() == 1
    assert "budget $10,000" in chart.text_content()
    assert page.locator(".cost-table").inner_text().splitlines()[-1].endswith(_money(plan["cost"]["total_monthly_usd"]))

    # models with licence badges; the stack by role with alternatives
    page.click("#tab-models")
    badge = page.locator(".models-table .badge.licence").first
    assert badge.inner_text() == plan["models"][0]["license"]
    assert plan["models"][0]["commercial_use"] in badge.get_attribute("class").split()
    page.click("#tab-stack")
    roles = {c["role"].replace("_", " ") for c in plan["kubernetes"]}
    assert {t.lower() for t in page.locator(".role-group h3").all_inner_texts()} == roles
    alternatives = [a for c in plan["kubernetes"] for a in c["alternatives"]]
    assert page.locator(".alternatives .badge").all_inner_texts() == alternatives
    assert page.locator(".component .name").all_inner_texts() == [c["chart"] for c in plan["kubernetes"]]
    shoot(page, "03-stack")


def test_the_diagram_renders_as_svg_and_manifests_download(desktop, service: Service) -> None:  # noqa: ANN001
    page = desktop
    cid = service.converse(RAG)
    plan = service.http.get(f"/api/v1/chat/{cid}/plans/1").json()
    page.goto(f"/#c={cid}")
    _planned(page)

    page.click("#tab-stack")  # a vector database has alternatives
    with_alternatives = [c for c in plan["kubernetes"] if c["alternatives"]]
    assert with_alternatives, [c["chart"] for c in plan["kubernetes"]]
    for component in with_alternatives:
        shown = page.locator(".component", has=page.locator(f'.name:text-is("{component["chart"]}")'))
        assert shown.locator(".alternatives .badge").all_inner_texts() == component["alternatives"]

    page.click("#tab-diagram")
    svg = page.wait_for_selector("#panel-diagram .diagram svg")
    labels = page.locator("#panel-diagram .diagram svg").text_content()
    assert "Users" in labels and "GPU nodes" in labels
    assert page.locator("#panel-diagram .diagram svg g.node").count() >= 5
    assert svg.get_attribute("role") == "img"
    shoot(page, "04-diagram")

    page.click("#tab-manifests")
    files = page.locator(".file-list button").all_inner_texts()
    assert files == [m["path"] for m in plan["manifests"]]
    deployment = next(m for m in plan["manifests"] if m["path"].endswith("deployment.yaml"))
    page.click(f'.file-list button[data-path="{deployment["path"]}"]')
    code = page.locator("#panel-manifests pre.code")
    assert code.text_content() == deployment["content"]
    assert code.locator(".hl-key").count() > 10 and code.locator(".hl-str").count() > 0  # highlighted
    with page.expect_download() as download:
        page.click("#panel-manifests .download")
    saved = download.value
    assert saved.suggested_filename == deployment["path"].split("/")[-1]
    assert open(saved.path(), encoding="utf-8").read() == deployment["content"]
    page.click("#panel-manifests .copy")
    page.wait_for_selector("#panel-manifests .copy:text('Copied ✓')")
    assert page.evaluate("navigator.clipboard.readText()") == deployment["content"]
    shoot(page, "05-manifests")

    with page.expect_download() as download:
        page.click("#export")
    bundle = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert download.value.suggested_filename == f"stack8s-plan-{cid[:12]}-v1.zip"
    assert {m["path"] for m in plan["manifests"]} <= set(bundle.namelist())
    assert json.loads(bundle.read("plan.json"))["version"] == 1


def test_two_plan_versions_are_compared(desktop, service: Service) -> None:  # noqa: ANN001
    page = desktop
    cid = service.converse(LLAMA, "you decide", "use spot")
    first, second = (service.http.get(f"/api/v1/chat/{cid}/plans/{v}").json() for v in (1, 2))
    page.goto(f"/#c={cid}")
    _planned(page)
    assert page.locator("#plan-title").inner_text() == "Plan v2"
    page.click("#tab-versions")
    assert page.locator("#diff-from").input_value() == "1" and page.locator("#diff-to").input_value() == "2"
    page.click("#compare")
    page.wait_for_selector("pre.diff")
    shoot(page, "06-version-diff")
    changes = {row.locator("th").inner_text(): row.locator("td").all_inner_texts()
               for row in page.locator(".changes tbody tr").all()}
    assert changes["Spot"] == ["no", "yes"]
    assert changes["Total / month"] == [_money(first["cost"]["total_monthly_usd"]),
                                        _money(second["cost"]["total_monthly_usd"])]
    assert page.locator(".changes td.changed").count() >= 4
    assert page.locator("pre.diff .add").count() > 0 and page.locator("pre.diff .del").count() > 0
    added = page.locator("pre.diff .add").all_inner_texts()
    assert any('"spot": true' in line for line in added)

    # the version picker shows an older plan; the export follows it
    page.select_option("#plan-version", "1")
    expect(page.locator("#plan-title")).to_have_text("Plan v1")
    expect(page.locator("#export")).to_have_attribute("href", f"/api/v1/chat/{cid}/plans/1/export")
    page.select_option("#plan-version", "2")
    expect(page.locator("#plan-title")).to_have_text("Plan v2")
    expect(page.locator("#export")).to_have_attribute("href", f"/api/v1/chat/{cid}/plans/2/export")


def test_conversations_are_renamed_and_deleted_from_the_list(desktop, service: Service) -> None:  # noqa: ANN001
    page = desktop
    keep, gone = service.converse(SERVE), service.converse(SERVE)
    page.goto(f"/#c={gone}")
    _planned(page)
    item = page.locator(f'#conversation-list li[data-id="{keep}"]')
    item.locator(".rename").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("Chatbot on an 8B model")
    page.keyboard.press("Enter")
    page.wait_for_selector(f'#conversation-list li[data-id="{keep}"] .title:text("Chatbot on an 8B model")')
    assert service.http.get(f"/api/v1/chat/{keep}").json()["title"] == "Chatbot on an 8B model"

    page.locator(f'#conversation-list li[data-id="{gone}"] .delete').click()
    assert page.locator("#delete-dialog").is_visible()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.wait_for_selector(f'#conversation-list li[data-id="{gone}"]', state="detached")
    assert service.http.get(f"/api/v1/chat/{gone}").status_code == 404
    assert page.locator("#intro").is_visible() and page.url.endswith("/")  # the open one went: a new conversation
    # Escape cancels the dialog: nothing is deleted
    page.locator(f'#conversation-list li[data-id="{keep}"] .delete').click()
    assert page.locator("#delete-dialog").is_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#delete-dialog")).to_be_hidden()
    page.wait_for_timeout(300)  # a delete, had Escape confirmed it, would have been sent by now
    expect(page.locator(f'#conversation-list li[data-id="{keep}"]')).to_be_visible()
    assert service.http.get(f"/api/v1/chat/{keep}").status_code == 200


def test_the_keyboard_alone_drives_a_turn_and_the_tabs(desktop, service: Service) -> None:  # noqa: ANN001
    page = desktop
    page.goto("/")
    page.wait_for_selector("body[data-ready]")
    assert page.evaluate("document.activeElement.id") == "composer-input"  # a new conversation: ready to type
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).left") == "-999px"
    page.focus(".skip-link")  # the first stop of the tab order: shown when focused, it jumps to the box
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "composer-input"
    page.keyboard.type(SERVE)
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    assert page.locator(".message.user").count() == 0
    page.keyboard.press("Enter")
    _planned(page)
    page.focus("#tab-summary")
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-compute").get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "tab-compute" and page.locator("#panel-compute").is_visible()
    page.keyboard.press("End")
    assert page.locator("#tab-versions").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowRight")  # wraps round
    assert page.locator("#tab-summary").get_attribute("aria-selected") == "true"


def test_user_text_is_shown_as_text_and_a_failed_turn_can_be_retried(desktop, service: Service,  # noqa: ANN001
                                                                      console: Console) -> None:
    page = desktop
    hostile = '<img src=x onerror="window.__owned=1"> **not bold** serve Llama 3.1 8B for 10 users'
    page.goto("/")
    page.fill("#composer-input", hostile)
    page.click("#send")
    _planned(page)
    assert page.locator(".message.user").first.inner_text() == hostile
    assert page.evaluate("window.__owned") is None and page.locator(".messages img").count() == 0
    cid = _cid(page)

    # the conversation disappears behind the page's back: the turn fails visibly, nothing is a 500
    console.allow(r"status of 404")  # Chromium logs the refused request itself
    service.http.delete(f"/api/v1/chat/{cid}")
    page.fill("#composer-input", "use spot")
    page.keyboard.press("Enter")
    error = page.wait_for_selector(".message.error")
    assert "no conversation" in error.inner_text() and page.locator(".message.error button").inner_text() == "Retry"
    assert page.input_value("#composer-input") == "use spot"  # the words are back in the box
    shoot(page, "07-failed-turn")
    # the deleted conversation is gone from the page too; Retry sends the words in a new conversation
    page.wait_for_selector(f'#conversation-list li[data-id="{cid}"]', state="detached")
    page.click(".message.error button")
    page.wait_for_selector(".message.assistant:not(.error)")
    assert page.input_value("#composer-input") == "" and _cid(page) != cid
    assert service.http.get(f"/api/v1/chat/{_cid(page)}").json()["messages"][0]["content"] == "use spot"


def test_the_message_box_says_what_is_wrong_before_sending(desktop, service: Service,  # noqa: ANN001
                                                          console: Console) -> None:
    page = desktop
    page.goto("/")
    # an empty Send says why nothing happened
    page.click("#send")
    expect(page.locator("#composer-hint")).to_have_text(re.compile(r"^Type a message first"))
    assert page.locator(".message.user").count() == 0
    # a long paste is kept whole and counted; past the limit it says by how much, and nothing is sent
    page.fill("#composer-input", "serve llama 3.1 8b for 20 users. " + "x" * 7200)
    expect(page.locator("#composer-hint")).to_have_text(re.compile(r"^7,2\d\d / 8,000 characters$"))
    page.fill("#composer-input", "y" * 10_000)
    assert len(page.input_value("#composer-input")) == 10_000  # never cut silently
    expect(page.locator("#composer-hint")).to_have_text(
        "10,000 characters: the limit is 8,000 — shorten it by 2,000 to send.")
    page.keyboard.press("Enter")
    assert page.locator(".message.user").count() == 0 and page.get_attribute("#composer-input", "aria-invalid") == "true"
    shoot(page, "08-message-limit")

    # the service cannot be reached: said in words, the message kept, Retry sends it once the service answers
    console.allow(r"requestfailed: .*/api/v1/chat/start/stream|Failed to load resource: net::ERR_CONNECTION_REFUSED")
    page.route("**/api/v1/chat/start/stream", lambda route: route.abort("connectionrefused"))
    page.fill("#composer-input", SERVE)
    page.keyboard.press("Enter")
    error = page.wait_for_selector(".message.error")
    assert error.inner_text().startswith("The service is not reachable; your message is kept — Retry.")
    assert page.input_value("#composer-input") == SERVE
    page.unroute("**/api/v1/chat/start/stream")
    page.click(".message.error button")
    _planned(page)
    assert service.http.get(f"/api/v1/chat/{_cid(page)}").json()["messages"][0]["content"] == SERVE


_INSIDE = """(selector) => {  // elements of a panel wider than it (a table scrolling in its own box aside)
  const panel = document.querySelector(selector), edge = panel.getBoundingClientRect().right + 1;
  return [...panel.querySelectorAll('*')].filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > edge)
    .map((e) => e.tagName + '.' + e.className);
}"""


def test_the_plan_fits_its_panel_on_a_1280_screen(browser, service: Service, console: Console) -> None:  # noqa: ANN001
    cid = service.converse("Serve Llama 3.1 70B for 50 concurrent users with a budget of $5000 per month", "use spot")
    page = open_page(browser, service, console, width=1280, height=800)
    try:
        page.goto(f"/#c={cid}")
        page.wait_for_selector("#plan-version option >> nth=1", state="attached")
        tabs = page.locator("#plan-tabs")
        heights = set()
        for tab in ("summary", "compute", "cost", "models", "stack", "versions"):
            page.click(f"#tab-{tab}")
            heights.add(round(tabs.bounding_box()["height"]))
            assert page.evaluate(_INSIDE, f"#panel-{tab}") == [], tab  # badges and cards wrap inside the panel
        assert len(heights) == 1 and heights.pop() < 60  # one row of tabs, the same whichever is selected

        page.click("#tab-compute")
        wrap = page.locator("#panel-compute .table-wrap")
        edge = wrap.bounding_box()["x"] + wrap.bounding_box()["width"]
        for key in ("accelerator", "count", "monthly", "fits"):  # the decision columns, without scrolling
            cell = page.locator(f'.compute-table th:has(.sort[data-key="{key}"])').bounding_box()
            assert cell["x"] + cell["width"] <= edge + 1, key
        assert page.evaluate("() => { const w = document.querySelector('#panel-compute .table-wrap');"
                             " return w.scrollWidth <= w.clientWidth + 1; }")
        shoot(page, "12-desktop-1280-compute")
        page.get_by_role("button", name=re.compile("^All columns")).click()  # the rest on demand
        assert page.locator('.compute-table .sort[data-key="region"]').is_visible()
        expect(page.get_by_role("button", name="Fewer columns")).to_have_attribute("aria-pressed", "true")
        page.click("#tab-models")
        assert page.evaluate("() => { const w = document.querySelector('#panel-models .table-wrap');"
                             " return w.scrollWidth <= w.clientWidth + 1; }")  # licence and downloads in view
        shoot(page, "13-desktop-1280-models")
    finally:
        page.context.close()
    assert console.unexpected() == [], "the page logged errors"


def test_the_phone_layout(browser, service: Service, console: Console) -> None:  # noqa: ANN001
    cid = service.converse(SERVE, "use spot")
    page = open_page(browser, service, console, width=390, height=844, mobile=True)
    try:
        _phone_checks(page, cid)
    finally:
        page.context.close()
    assert console.unexpected() == [], "the page logged errors"


def _phone_checks(page, cid: str) -> None:  # noqa: ANN001
    page.goto(f"/#c={cid}")
    page.wait_for_selector("#plan-version option >> nth=1", state="attached")
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits)
    assert page.locator("#chat").is_visible() and not page.locator("#plan-panel").is_visible()
    expect(page.locator("#sidebar")).to_be_hidden()  # the closed drawer: off screen and out of the tab order
    composer = page.locator("#composer").bounding_box()
    assert composer["x"] >= 0 and composer["x"] + composer["width"] <= 390 and composer["y"] + composer["height"] <= 844
    shoot(page, "08-phone-chat")

    page.click("#show-plan")
    assert page.locator("#plan-panel").is_visible() and not page.locator("#chat").is_visible()
    page.click("#tab-compute")
    assert page.evaluate(fits)  # the wide table scrolls inside its box, the page does not
    table = page.locator(".compute-table").bounding_box()
    wrap = page.locator("#panel-compute .table-wrap").bounding_box()
    assert wrap["width"] <= 390 and table["width"] >= wrap["width"]
    shoot(page, "09-phone-plan")
    page.click("#tab-cost")  # the charts are drawn for the phone: their text is not scaled down
    scale = page.evaluate("() => { const s = document.querySelector('#panel-cost .chart svg');"
                          " return s.getBoundingClientRect().width / s.viewBox.baseVal.width; }")
    assert scale >= 0.9, scale
    shoot(page, "09b-phone-cost")
    page.click("#tab-versions")  # a comparison stacks: each fact, then its value in each version
    page.click("#compare")
    page.wait_for_selector("#panel-versions table.changes")
    assert page.evaluate(_INSIDE, "#panel-versions") == [] and page.evaluate(fits)
    assert page.evaluate("getComputedStyle(document.querySelector('table.changes td')).display") == "block"
    shoot(page, "09c-phone-compare")
    page.click("#tab-diagram")
    page.wait_for_selector("#panel-diagram .diagram svg")
    assert page.evaluate(fits)
    shoot(page, "10-phone-diagram")

    page.click("#menu-toggle")
    page.wait_for_function("() => document.querySelector('#sidebar').getBoundingClientRect().x >= 0")
    assert page.locator("#menu-toggle").get_attribute("aria-expanded") == "true"
    shoot(page, "11-phone-conversations")
    assert page.evaluate("document.activeElement.id") == "new-conversation"
    page.keyboard.press("Escape")
    assert page.locator("#menu-toggle").get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "menu-toggle"  # focus left the closing drawer
    page.click("#show-chat")
    page.fill("#composer-input", "only AWS")
    page.keyboard.press("Enter")
    page.wait_for_selector("#plan-dot:not([hidden])")  # the plan changed out of sight: the switch says so


LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_the_api_docs_render_from_vendored_files_under_the_csp(browser, service: Service,  # noqa: ANN001
                                                                console: Console) -> None:
    """/docs (Swagger UI) and /redoc (Redoc) show the API from this origin's files only: no CDN request, no script
    error. Redoc's footer always asks for its logo from cdn.redoc.ly: the CSP blocks it (the one error allowed)."""
    console.allow(r"cdn\.redoc\.ly/redoc/logo-mini\.svg")  # the violation and the blocked request (checked below)
    page = open_page(browser, service, console, width=1280, height=800)
    requested: list[str] = []
    failed: dict[str, str] = {}
    page.on("request", lambda r: requested.append(r.url))
    page.on("requestfailed", lambda r: failed.setdefault(r.url, r.failure or ""))
    try:
        page.goto("/docs")
        expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible()
        assert page.locator('.opblock-summary-path[data-path="/api/v1/chat/start"]').count() >= 1
        page.goto("/redoc")
        expect(page.get_by_text("Stack8s AI Architect (0.1.0)").first).to_be_visible()
        expect(page.get_by_text("/api/v1/chat/start").first).to_be_attached()
    finally:
        page.context.close()
    elsewhere = [url for url in requested if not url.startswith((service.url, "data:", "blob:"))]
    assert elsewhere in ([], [LOGO]) and (not elsewhere or "csp" in failed[LOGO].lower()), (elsewhere, failed)
    assert console.unexpected() == [], "the docs logged errors (any other CSP violation is a console error)"
