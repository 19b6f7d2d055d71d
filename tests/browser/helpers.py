"""What the browser tests share besides their fixtures (tests/browser/conftest.py): the
Chromium to launch and how, the viewport, the factories' password, and a watch on the page's
console. A plain module: test modules and the conftest import it."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no internet: without these Chromium keeps trying (and failing) to reach
# Google's update, sync and field-trial services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
PASSWORD = "pass12345"  # every factory user's password (tests/factories.py)


def watch_console(page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests of the page. Browsers
    ask for /favicon.ico on their own; that one 404 is not a page's fault."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    return errors


PHONE = {"width": 390, "height": 844}

#: The elements that end right of the screen, innermost first (what to fix when a page is too wide).
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).trim().replace(/ +/g, ".") : ""}`
    + ` (${Math.round(e.getBoundingClientRect().right)} px): ${(e.textContent || "").trim().slice(0, 40)}`)"""


def fits(page) -> None:
    """Nothing of the page sticks out to the right of the screen (wide tables scroll inside their box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        wide = page.evaluate(WIDEST)
        raise AssertionError(f"{page.url} at {page.viewport_size['width']} px: {overflow} px wider than the screen; "
                             f"sticking out: {wide}")


def both_widths(page) -> None:
    """The page fits at 1280 px and on a 390 px phone; the viewport is back at 1280 px after."""
    for viewport in (VIEWPORT, PHONE):
        page.set_viewport_size(viewport)
        fits(page)
    page.set_viewport_size(VIEWPORT)
