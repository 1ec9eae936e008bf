"""The chat a newcomer meets, in a real browser: what the first page says, feedback while an
answer is written, conversations kept across a reload and reset by either button, keyboard
and screen-reader access, and both themes (and a phone) readable, with screenshots."""

from __future__ import annotations

import re
import shutil

import pytest

from ._apphelpers import DESKTOP, PHONE, RunningApp, ask, launch, screenshot, wait_answer
from .conftest import EXPO, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("chat")
    shutil.copytree(SEEDS, base / "docs")
    running = RunningApp(base / "docs", base / "index", base / "app.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        yield browser
        browser.close()


@pytest.fixture
def page(app, browser):
    """A fresh browser profile (its own storage) on the app's page."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(app.url)
    page.locator("#status").filter(has_text="5 documents").wait_for(timeout=30_000)
    yield page
    context.close()


def test_first_page_says_what_is_loaded_and_what_to_ask(page):
    assert page.locator("#status").inner_text().strip() == (
        "5 documents · answers come only from them"
    )
    chat = page.locator("#chat")
    chat.filter(has_text="5 documents are loaded").wait_for(timeout=10_000)
    text = chat.inner_text()
    # Titles read from the texts, not the hash file names.
    assert "A New Model for Sino-Russian Regional Cooperation" in text
    assert "Some Observations on Sino-Russian Inter-regional Cooperation" in text
    assert not re.search(r"\d{3}_[0-9a-f]{16}", text)
    screenshot(page, "first-page.png")
    # Ask with nothing typed: a hint, and the page stays as it was.
    page.locator("#ask").click()
    page.get_by_text("Type a question first.").wait_for(timeout=10_000)
    page.wait_for_timeout(500)
    assert "5 documents are loaded" in chat.inner_text() and "Error" not in chat.inner_text()
    assert page.locator("#chat .message-row").count() == 0


def test_example_questions_are_drawn_from_the_documents_and_answered(page):
    examples = page.locator("#chat .example")
    examples.first.wait_for(timeout=120_000)  # found in the background, after indexing
    assert examples.count() == 3
    assert "try one of these" in page.locator("#chat").inner_text()
    screenshot(page, "first-page-examples.png")
    question = examples.first.inner_text().strip()
    bots = page.locator("#chat .bot").count()
    examples.first.click()
    answer = wait_answer(page, bots)
    assert question in page.locator("#chat .user").first.inner_text()
    assert "do not contain" not in answer
    assert page.locator("#sources mark").count() >= 1


WATCH_JS = """
() => {
  window.__seen = [];
  const record = () => {
    const chat = document.querySelector('#chat');
    const ask = document.querySelector('#ask');
    window.__seen.push({
      users: chat.querySelectorAll('.user').length,
      text: chat.innerText,
      askDisabled: ask.disabled,
    });
  };
  new MutationObserver(record).observe(document.body,
    {childList: true, subtree: true, characterData: true, attributes: true});
}
"""


def test_question_shows_at_once_with_a_note_and_a_double_click_asks_once(page):
    page.evaluate(WATCH_JS)
    question = "Where was the 6th Sino-Russian EXPO held?"
    page.locator("#question textarea").fill(question)
    page.locator("#ask").dblclick()
    answer = wait_answer(page, 0, "Harbin")
    seen = page.evaluate("window.__seen")
    # Before the answer arrived, the question was on the page with a note that the answer is
    # on its way, and the Ask button was off.
    waiting = [s for s in seen if "Looking through the documents" in s["text"]]
    assert waiting and question in waiting[0]["text"] and "Harbin —" not in waiting[0]["text"]
    assert any(s["askDisabled"] for s in waiting)
    # Asked once, answered once.
    assert page.locator("#chat .user").count() == 1
    assert page.locator("#chat .bot").count() == 1
    # Each answer says which model wrote it and how long it took.
    assert re.search(r"reader · \d+\.\d\d s", answer)
    # Enter asks too, and pressing it twice asks once.
    page.locator("#question textarea").fill("How many Chinese enterprises were at the 6th EXPO?")
    page.locator("#question textarea").press("Enter")
    page.locator("#question textarea").press("Enter")
    wait_answer(page, 1, "1246")
    assert page.locator("#chat .user").count() == 2


def test_the_conversation_survives_a_reload_and_both_resets_clear_the_same(page):
    ask(page, "How many Chinese enterprises were at the 6th EXPO?", "1246")
    page.reload()
    chat = page.locator("#chat")
    chat.filter(has_text="How many Chinese enterprises").wait_for(timeout=20_000)
    assert "1246" in chat.inner_text()
    sources = page.locator("#sources")
    sources.locator("mark").first.wait_for(timeout=10_000)
    assert "1246" in sources.locator("mark").first.inner_text()
    # The restored markers still focus their sources.
    page.locator("#chat .bot").last.locator("sup").first.click()
    sources.locator("#src-1.focus").wait_for(timeout=10_000)
    # The hidden history came back too: a follow-up after the reload is searched together
    # with the question before it.
    answer = ask(page, "And how many Russian ones?")
    assert "searched as" in answer and "Chinese enterprises" in answer.split("searched as")[1]

    def is_reset():
        page.locator("#sources").filter(has_text="Sources of the answer appear here").wait_for(
            timeout=10_000
        )
        assert page.locator("#chat .message-row").count() == 0
        assert not page.locator("#pick").is_visible()

    # The chat's trash button and "New conversation" reset the chat, the sources and the
    # hidden history alike, and the reset is kept across a reload.
    for button in ("#chat button[aria-label='Clear']", "#new"):
        ask(page, "How many Chinese enterprises were at the 6th EXPO?", "1246")
        page.locator(button).first.click()
        is_reset()
        page.reload()
        page.locator("#chat").filter(has_text="5 documents are loaded").wait_for(timeout=20_000)
        is_reset()
        assert "searched as" not in ask(page, "And how many Russian ones?")


def test_keyboard_and_screen_reader_access(page):
    box = page.get_by_label("Your question")
    assert box.evaluate("el => el.tagName") == "TEXTAREA"
    ask(page, "Where was the 6th Sino-Russian EXPO held?", "Harbin")
    assert page.locator("#sources").get_attribute("aria-live") == "polite"
    marker = page.locator("#chat .bot").last.locator("sup").first
    assert marker.get_attribute("tabindex") == "0" and marker.get_attribute("role") == "button"
    # Reached by Tab from the answer's text, opened with Enter.
    marker.focus()
    page.keyboard.press("Enter")
    page.locator("#sources #src-1.focus").wait_for(timeout=10_000)
    assert page.evaluate("document.activeElement.id") == "src-1"
    # A second answer: only its markers are tab stops (the panel shows its sources).
    ask(page, "How many Chinese enterprises were at the 6th EXPO?", "1246")
    old = page.locator("#chat .bot").first.locator("sup").first
    assert old.get_attribute("tabindex") is None


CONTRAST_JS = """
(el) => {
  const rgb = (s) => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let bgEl = el, bg = 'rgba(0, 0, 0, 0)';
  while (bgEl) {
    bg = getComputedStyle(bgEl).backgroundColor;
    if (!bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') break;
    bgEl = bgEl.parentElement;
  }
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(bg));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_highlights_and_the_focused_source_are_readable_in_both_themes(app, page, theme):
    if theme == "dark":
        page.goto(app.url + "/?__theme=dark")
        page.locator("#status").filter(has_text="5 documents").wait_for(timeout=30_000)
        assert page.evaluate("document.body.classList.contains('dark')")
    ask(page, "Where was the 6th Sino-Russian EXPO held?", "Harbin")
    page.locator("#chat .bot").last.locator("sup").first.click()
    focused = page.locator("#sources #src-1.focus")
    focused.wait_for(timeout=10_000)
    # WCAG AA for normal text: 4.5:1, for the highlight and the text of the focused source.
    mark = focused.locator("mark").first
    plain = focused.locator(".rag-text")
    assert mark.evaluate(CONTRAST_JS) >= 4.5
    assert plain.evaluate(CONTRAST_JS) >= 4.5
    assert focused.locator(".where").evaluate(CONTRAST_JS) >= 4.5
    assert page.locator("#chat .bot").last.locator("sup").first.evaluate(CONTRAST_JS) >= 3
    assert EXPO in focused.inner_text()
    screenshot(page, f"theme-{theme}.png", full_page=False)


def test_phone_size_fits_the_screen(app, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(app.url)
        page.locator("#status").filter(has_text="5 documents").wait_for(timeout=30_000)
        ask(page, "Where was the 6th Sino-Russian EXPO held?", "Harbin")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#sources mark").first.scroll_into_view_if_needed()
        assert page.locator("#sources mark").first.is_visible()
        screenshot(page, "phone.png")
        page.get_by_role("tab", name="Documents").click()
        page.locator("#doc-table").filter(has_text="Regional Cooperation").wait_for(timeout=10_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "phone-documents.png")
    finally:
        context.close()
