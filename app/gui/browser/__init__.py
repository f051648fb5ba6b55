"""The capture browser's Qt side: the BrowserPane, the CaptureWorkspace, the headless host.

Call :func:`app.capture.devtools.enable_devtools` before the QApplication is created, or
recording is unavailable (QtWebEngine reads its DevTools setting once, at start-up).
Importing this package applies Chromium's root rule (:mod:`app.gui.browser.chromium`)
before any module here loads QtWebEngine.
"""

from app.gui.browser.chromium import apply_root_rule

apply_root_rule()
