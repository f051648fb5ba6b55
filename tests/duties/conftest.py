"""The duties tests drive headless captures in child processes (see tests/capture/conftest)."""

from tests.capture.conftest import case_path, demo_site  # noqa: F401
