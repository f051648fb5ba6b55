"""The capture browser's Qt side: the BrowserPane, the CaptureWorkspace, the headless host.

Call :func:`app.capture.devtools.enable_devtools` before the QApplication is created, or
recording is unavailable (QtWebEngine reads its DevTools setting once, at start-up).
"""
