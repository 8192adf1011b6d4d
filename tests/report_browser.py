"""Drive the system's headless Chromium over the DevTools protocol, with the standard library only.

Chromium's `--remote-debugging-pipe` speaks DevTools JSON messages, each ended by a NUL
byte, on file descriptors 3 (commands in) and 4 (replies and events out). That needs no
websocket client, no Playwright and no browser download: the tests use Debian's chromium.

Every request the page makes is intercepted (`Fetch` domain) and recorded; requests other
than the page itself are failed, so a report that tried to load a font or a script from
the network both fails the test and never reaches the network.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_PATH = "/usr/bin/chromium"
# The launch flags the project uses everywhere (see tests and .ci/run): no sandbox (CI
# runs as root), no GPU, and nothing that phones home on its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-debugging-pipe")
CALL_TIMEOUT = 30.0


def find_chromium() -> Optional[str]:
    """The chromium executable: $BARRIER_SCAN_CHROMIUM, then PATH, then Debian's path."""
    configured = os.environ.get("BARRIER_SCAN_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return DEBIAN_PATH if os.access(DEBIAN_PATH, os.X_OK) else None


class BrowserError(RuntimeError):
    pass


class Chromium:
    """One headless browser; `open(url)` gives a `Page`. Use as a context manager."""

    def __init__(self, executable: str) -> None:
        # chromium's helper processes can still be writing to the profile as it closes
        self._profile = tempfile.TemporaryDirectory(prefix="barrier-scan-chromium-", ignore_cleanup_errors=True)
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # runs in the child before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire_pipes, stdin=subprocess.DEVNULL, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []
        self.intercepted: list[tuple[Optional[str], str]] = []  # (session, URL) the Fetch domain saw
        self.allowed_urls: set[str] = set()

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            os.close(self._to_browser)
            os.close(self._from_browser)
        except OSError:
            pass
        # chromium runs in its own session, so its helpers (renderer, GPU, zygote) are one
        # process group: the one this object started, ended by its id
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()
        try:
            os.killpg(group, signal.SIGKILL)  # any helper that outlived the browser
        except ProcessLookupError:
            pass
        self._profile.cleanup()

    def _send(self, method: str, params: Optional[dict[str, Any]] = None,
              session: Optional[str] = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def _handle_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        if message.get("method") == "Fetch.requestPaused":
            params = message["params"]
            url = params["request"]["url"]
            self.intercepted.append((message.get("sessionId"), url))
            if url in self.allowed_urls:
                self._send("Fetch.continueRequest", {"requestId": params["requestId"]}, message.get("sessionId"))
            else:
                self._send("Fetch.failRequest", {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                           message.get("sessionId"))

    def call(self, method: str, params: Optional[dict[str, Any]] = None, session: Optional[str] = None,
             timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._handle_event(message)

    def wait_for(self, method: str, session: str, timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        for message in self.events:
            if message.get("method") == method and message.get("sessionId") == session:
                return message
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self._handle_event(message)
                if message["method"] == method and message.get("sessionId") == session:
                    return message

    def open(self, url: str, width: int = 1024, height: int = 1400) -> "Page":
        """Load `url` with every other request intercepted; returns when it has loaded."""
        self.allowed_urls.add(url)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable", {}, session)
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, url)


class Page:
    def __init__(self, browser: Chromium, session: str, url: str) -> None:
        self.browser = browser
        self.session = session
        self.url = url

    def evaluate(self, expression: str) -> Any:
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                   self.session)
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def requests(self) -> list[str]:
        """Every URL the page asked for, as the network layer and the interceptor saw it."""
        urls = [e["params"]["request"]["url"] for e in self.browser.events
                if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == self.session]
        return urls + [u for s, u in self.browser.intercepted if s == self.session and u not in urls]

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests() if u != self.url]

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page, not only the viewport."""
        metrics = self.browser.call("Page.getLayoutMetrics", {}, self.session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.browser.call("Page.captureScreenshot",
                                 {"format": "png", "clip": clip, "captureBeyondViewport": True}, self.session)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def print_pdf(self, path: Path) -> Path:
        """Print with the page's own @page rules (A4 in the report CSS)."""
        printed = self.browser.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                                    self.session, timeout=60)
        path.write_bytes(base64.b64decode(printed["data"]))
        return path
