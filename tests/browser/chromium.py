"""Headless Chromium for the browser tests: Debian's ``chromium`` (``./dev test`` installs it when
missing; Playwright's own browser downloads are never used), driven by Playwright's sync API.
Screenshots go to ``tests/browser/screenshots/`` (git-ignored)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextmanager
def chromium_page(chromium_path: str, profile: Path, url: str) -> Iterator[Page]:
    """A 1280x900 page of a fresh Chromium profile in ``profile``, opened at ``url`` (15 s
    timeouts); the browser is closed afterwards."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(url)
            yield page
        finally:
            context.close()


def shoot(target, name: str, *, full_page: bool = False) -> None:
    """A screenshot of ``target`` (a page, or a locator for one element) as ``<name>.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    options = {"full_page": True} if full_page else {}
    target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **options)
