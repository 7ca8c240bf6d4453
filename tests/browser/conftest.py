"""The browser tests' Chromium: a clear failure when Debian's package is missing."""

from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `./dev test` installs Debian's chromium package.")
    return CHROMIUM
