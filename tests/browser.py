"""A real browser for tests (the figures page, the codec sign-in in the Web UI): Debian's ``chromium`` driven by
Playwright's Python package.

Playwright's own browser download cannot work here (and is never needed): it drives the system's Chromium
through ``executable_path``. ``.ci/run`` installs the ``chromium`` package when it is missing; without it the
fixture fails with the exact command to run, never a silent skip.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Page, async_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
"""As root, without a sandbox; and no calls home (this machine has no network but the package registries)."""


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("no Chromium: install Debian's package with `apt-get install -y chromium` (.ci/run does)")
    return path


@asynccontextmanager
async def browser_page() -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            yield page
        finally:
            await browser.close()
