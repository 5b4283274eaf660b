"""Take the screenshots of the docs page and its console (headless Chromium).

    python docs/screenshots.py      # writes docs/docs-page.png (1440 px wide),
                                    # docs/docs-phone.png (390 px) and docs/docs-console.png

Runs the chat example (``examples/chat_aiohttp``) on a free loopback port.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import Browser, Page  # noqa: E402
from support.servers import run_aiohttp, url  # noqa: E402


def chat_app() -> object:
    module_spec = importlib.util.spec_from_file_location(
        "chat_example", ROOT / "examples" / "chat_aiohttp" / "app.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules["chat_example"] = module
    module_spec.loader.exec_module(module)
    return module.app


def run(page: Page, script: str) -> None:
    page.evaluate(script)


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as profile,
        Browser(Path(profile)) as browser,
        run_aiohttp(chat_app()) as port,
    ):
        page = browser.page()
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
        page.goto(url(port, "/asyncapi"), ready="document.body.dataset.ready")
        page.screenshot(HERE / "docs-phone.png", 390, 844)

        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        page.goto(url(port, "/asyncapi#send%3A%2Fchat%3Asend"), ready="document.body.dataset.ready")
        page.evaluate("document.getElementById('send:/chat:send').scrollIntoView()")
        page.screenshot(HERE / "docs-page.png", 1440, 900)

        run(page, "document.querySelector('[id=\"send:/chat:join\"] button.try').click()")
        run(page, "document.getElementById('console-connect').click()")
        page.wait("document.getElementById('console-status').textContent.startsWith('Connected')")
        run(page, "document.getElementById('console-send').click()")
        page.wait("!!document.querySelector('#console-result pre.ack')")
        run(
            page,
            "var s = document.getElementById('console-event'); s.value = 'send';"
            " s.dispatchEvent(new Event('change'));"
            f" document.getElementById('console-payload').value = "
            f"{json.dumps(json.dumps({'room': 'general', 'text': 'Hello!'}))};"
            " document.getElementById('console-send').click()",
        )
        page.wait("!!document.querySelector('#console-log .log-event')")
        run(
            page,
            f"document.getElementById('console-payload').value = "
            f"{json.dumps(json.dumps({'room': 'General Chat', 'text': ''}))};"
            " document.getElementById('console-send').click()",
        )
        page.wait("!!document.getElementById('console-errors')")
        run(page, "document.getElementById('send:/chat:send').scrollIntoView()")
        page.screenshot(HERE / "docs-console.png", 1440, 1040)
        page.close()
    names = ("docs-page.png", "docs-phone.png", "docs-console.png")
    print("wrote " + ", ".join(str(HERE / name) for name in names))


if __name__ == "__main__":
    main()
