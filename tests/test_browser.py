"""A real browser (Debian's chromium driven by Playwright) using the chat page."""

import shutil

import pytest

from ._apphelpers import DESKTOP, RunningApp, ask, launch, screenshot
from .conftest import EXPO, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        shutil.copytree(SEEDS, tmp_path / "docs")
        app = RunningApp(tmp_path / "docs", tmp_path / "index", tmp_path / "app.log")
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.goto(app.url)
            page.app = app
            yield page
        finally:
            browser.close()
            app.stop()


def test_chat_sources_follow_up_and_upload(page, tmp_path):
    # The status line is recomputed when the page loads (the app indexed in the background).
    page.locator("#status").filter(has_text="5 documents").wait_for(timeout=30_000)
    assert "answers come only from them" in page.locator("#status").inner_text()

    answer = ask(page, "Where was the 6th Sino-Russian EXPO held?", "Harbin")
    assert "reader ·" in answer  # which model wrote it, and how long it took
    sources = page.locator("#sources")
    sources.locator("mark").first.wait_for(timeout=30_000)
    assert EXPO in sources.inner_text()
    assert "Harbin" in sources.locator("mark").first.inner_text()
    assert "[1]" in page.locator("#chat").inner_text()

    ask(page, "How many Chinese enterprises were at the 6th EXPO?", "1246")
    ask(page, "And how many Russian ones?", "137")
    assert "137" in sources.locator("mark").first.inner_text()

    # Clicking the [1] marker of the answer, or a source choice, focuses it in the panel.
    page.locator("#chat .bot").last.locator("sup").first.click()
    sources.locator("#src-1.focus").wait_for(timeout=10_000)
    page.locator("#pick label").first.click()
    sources.locator(".source.focus").wait_for(timeout=10_000)

    ask(page, "What is the population of Khabarovsk?", "do not contain")
    assert "Related passages" in sources.inner_text()

    doc = tmp_path / "festival.txt"
    doc.write_text(
        "The Amur bridge festival in Blagoveshchensk is held every August 12. "
        "Its programme is at https://example.org/amur and it's free. "
        '<img id="evil" src="x" onerror="document.title=1"> <b id="bold">markup</b>',
        "utf-8",
    )
    page.get_by_role("tab", name="Documents").click()
    # Choosing (or dropping) a file is the whole upload: no second button.
    page.locator("#upload input[type=file]").set_input_files(str(doc))
    page.locator("#upload-msg").filter(has_text="Added").wait_for(timeout=60_000)
    assert "festival.txt" in page.locator("#doc-table").inner_text()
    # Indexed in the background: the status line follows without a reload.
    page.locator("#status").filter(has_text="6 documents").wait_for(timeout=60_000)

    page.get_by_role("tab", name="Chat").click()
    ask(page, "When is the Amur bridge festival held?", "August 12")
    assert "festival.txt" in sources.inner_text()
    # An uploaded document's markup is never rendered ...
    assert page.locator("#evil").count() == 0 and page.locator("#bold").count() == 0
    # Answers are text: a document's URL is not made a link, an apostrophe is an apostrophe.
    assert page.locator("#chat .bot a").count() == 0
    assert "&#x27;" not in page.locator("#chat").inner_text()
    # ... and its tags are left out of what a user reads (the quote underneath stays exact)
    assert "<img" not in sources.inner_text() and "markup" in sources.inner_text()
    screenshot(page, "chat.png")
