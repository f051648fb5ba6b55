"""The capture browser's GUI-free core: DevTools recorder, WARC/WACZ, generation binding.

Nothing here imports Qt. The browser widget and the headless host live in
``app.gui.browser``; they hand this package a DevTools connection and a case writer.
"""
