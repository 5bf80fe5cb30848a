"""Drive Debian's headless Chromium through Playwright for the report's browser tests.

Nothing is installed here: scripts/test.sh installs the `chromium` package and the venv has
`playwright`. Without Chromium the tests skip with the reason, except under CI=true, where a
missing browser is a failure (the report's browser checks must not silently vanish in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip (or, when CI=true, fail) unless Chromium and Playwright are both usable."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is missing (pip install playwright)"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {problem}")
    pytest.skip(f"browser tests skipped: {problem}")


@dataclass
class PageSession:
    page: Any  # playwright.sync_api.Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page tried to load

    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + [f"dialog: {d}" for d in self.dialogs]


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium browser (playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_report(html: Path, browser: Any | None = None, *, wait_ready: bool = True) -> Iterator[PageSession]:
    """Open a report file (file://) and record console errors, page errors, dialogs, requests."""
    if browser is None:
        with launched() as own, open_report(html, own, wait_ready=wait_ready) as session:
            yield session
        return
    context = browser.new_context()
    page = context.new_page()
    session = PageSession(page)
    page.on("console", lambda msg: session.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: session.page_errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        session.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: session.requests.append(request.url))
    try:
        page.goto(html.resolve().as_uri(), wait_until="load")
        if wait_ready:
            page.wait_for_selector("html[data-ready='1']", timeout=10_000)
        yield session
    finally:
        context.close()
