"""The dashboard in headless Chromium: a batch created, followed live, a failure read, retried."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Dashboard, screenshot

pytestmark = pytest.mark.slow

# Records every value the batch page's percentage shows, from the first paint on.
RECORD_PERCENTAGES = """
window.__percentages = [];
new MutationObserver(() => {
  const node = document.getElementById("batch-percent");
  const seen = window.__percentages;
  if (node && seen[seen.length - 1] !== node.textContent) seen.push(node.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_a_batch_runs_live_then_retry_failed_completes_it(chromium: Any, dashboard: Dashboard) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_PERCENTAGES)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{dashboard.url}/#key={dashboard.key}")
    expect(page.locator("#products li")).to_have_count(len(dashboard.product_ids))
    page.get_by_label("Select all products").check()
    expect(page.locator("#selected-count")).to_have_text(f"{len(dashboard.product_ids)} selected")
    screenshot(page, "dashboard-overview")
    page.get_by_role("button", name="Create batch").click()
    page.wait_for_url("**/batches/*")
    page.evaluate("window.__sameDocument = true")

    expect(page.locator("#batch-percent")).to_have_text("100%", timeout=30_000)
    expect(page.locator("#batch-status")).to_have_text("partially_failed")
    # The bar moved through intermediate values on this one document (no reload).
    assert page.evaluate("window.__sameDocument") is True
    seen = page.evaluate("window.__percentages")
    assert seen[-1] == "100%"
    assert any(value not in ("0%", "100%") for value in seen), seen
    screenshot(page, "batch-finished-with-failures")

    expect(page.locator("#failures li")).to_contain_text("2 x ebay / missing_item_specific")
    page.locator("#failures li").first.click()  # shows the jobs of that error
    expect(page.locator("#jobs tr")).to_have_count(2)
    expect(page.locator("#job-filter")).to_have_value("failed")
    page.locator("#jobs tr").first.click()
    expect(page.locator("#timeline .marketplace-message")).to_contain_text(
        "The item specific Brand is missing"
    )
    expect(page.locator("#timeline li")).to_have_count(5)
    screenshot(page, "failed-job-timeline")

    page.get_by_role("button", name="Retry failed").click()
    expect(page.locator("#batch-status")).to_have_text("completed", timeout=30_000)
    expect(page.locator("#batch-percent")).to_have_text("100%")
    expect(page.locator("#batch-counts")).to_contain_text("8 completed, 0 failed")
    expect(page.locator("#retry-failed")).to_be_disabled()
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "batch-completed-after-retry")
    # No script error and no Content-Security-Policy violation on the way.
    assert errors == []
    context.close()


def test_the_pages_fit_a_phone_screen(chromium: Any, dashboard: Dashboard) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{dashboard.url}/#key={dashboard.key}")
    expect(page.locator("#products li")).to_have_count(len(dashboard.product_ids))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Select all products").check()
    page.get_by_role("button", name="Create batch").click()
    page.wait_for_url("**/batches/*")
    expect(page.locator("#batch-percent")).to_have_text("100%", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "batch-phone")
    context.close()


def test_connections_card_issues_a_plugin_token_and_explains_missing_oauth(
    chromium: Any, dashboard: Dashboard
) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{dashboard.url}/#key={dashboard.key}")
    expect(page.locator("#connections li")).to_have_text("No marketplace account connected.")
    page.get_by_role("button", name="Vinted plugin token").click()
    expect(page.locator("#connect-note code")).to_contain_text("sfp_")
    expect(page.locator("#connections li")).to_contain_text("vinted default waiting_plugin")
    page.get_by_role("button", name="Connect eBay").click()
    expect(page.locator("#connect-note")).to_contain_text("eBay OAuth is not configured")
    screenshot(page, "connections")
    context.close()


def test_pages_forbid_foreign_scripts_and_connections(dashboard: Dashboard) -> None:
    import httpx

    for path in ("/", "/batches/1"):
        policy = httpx.get(f"{dashboard.url}{path}").headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "connect-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
