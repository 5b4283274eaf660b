"""The docs page: its weight, and how fast headless Chromium makes it interactive.

- the chat example's page (``examples/chat_aiohttp``): bytes on the wire;
- the 1,000-event API of ``bench_document.py`` (1,000 handled events on 10 namespaces
  plus 100 declared emits): page bytes, server-side render time, and the time from
  navigation start until the page has rendered every event and answers input (the
  page's ``sio-spec-ready`` performance mark), median over the rounds;
- the same document in the AsyncAPI React component (``viewer="asyncapi-react"``,
  served locally from ``tests/js/node_modules`` when installed), for a ratio.

    python benchmarks/bench_docs_page.py [--events 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import socketio

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench_document import handler_for, make_models  # noqa: E402
from support.browser import Browser, Page  # noqa: E402
from support.servers import run_asgi, url  # noqa: E402

from sio_spec import SocketIOSpec  # noqa: E402
from sio_spec.web import asgi_docs, docs_html  # noqa: E402


def big_spec(events: int) -> SocketIOSpec:
    models = make_models(events, 0)
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(
        sio, title="Big API", version="1.0.0", servers="wss://api.example.org/socket.io"
    )
    for i, (request, ack) in enumerate(models):
        sio.on(f"event_{i}", handler_for(request, ack), namespace=f"/ns{i % 10}")
    for i, (_request, ack) in enumerate(models[:100]):
        spec.emits(f"update_{i}", ack, namespace=f"/ns{i % 10}")
    return spec


def chat_spec() -> SocketIOSpec:
    name = f"bench_chat_{uuid.uuid4().hex}"
    module_spec = importlib.util.spec_from_file_location(
        name, ROOT / "examples" / "chat_aiohttp" / "app.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    spec: SocketIOSpec = module.spec
    return spec


def time_to_ready(page: Page, address: str, ready: str, mark: bool) -> float:
    """Milliseconds from navigation start until the page is interactive.

    With ``mark``: the later of the page's ``sio-spec-ready`` mark (every event
    rendered) and the end of the load event (parsed, laid out). Without: when
    ``ready`` was first seen true (polled).
    """
    page.goto(address, ready=ready, timeout=120)
    if mark:
        return float(
            page.evaluate(
                "Math.max(performance.getEntriesByName('sio-spec-ready')[0].startTime,"
                " performance.getEntriesByType('navigation')[0].loadEventEnd)"
            )
        )
    return float(page.evaluate("performance.now()"))


def react_app(spec: SocketIOSpec) -> Any | None:
    modules = ROOT / "tests" / "js" / "node_modules" / "@asyncapi" / "react-component"
    if not modules.is_dir():
        return None
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    assets = Starlette(routes=[Mount("/assets", StaticFiles(directory=modules))])
    return asgi_docs(
        spec,
        assets,
        viewer="asyncapi-react",
        bundle_url="/assets/browser/standalone/index.js",
        stylesheet_url="/assets/styles/default.min.css",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    chat = docs_html(chat_spec()).encode()
    print(f"chat example page: {len(chat) / 1000:.1f} kB")

    spec = big_spec(args.events)
    spec.asyncapi()  # the document cache is warm, as on a running server
    renders = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        page_bytes = docs_html(spec).encode()
        renders.append(time.perf_counter() - t0)
    total = args.events + 100
    print(f"{total} events: page {len(page_bytes) / 1000:.1f} kB")
    print(f"  render on the server   median {statistics.median(renders) * 1e3:8.1f} ms")

    with tempfile.TemporaryDirectory() as profile, Browser(Path(profile)) as browser:
        page = browser.page()
        with run_asgi(asgi_docs(spec)) as port:
            address = url(port, "/asyncapi")
            ready = "document.body.dataset.ready === '1'"
            cold = time_to_ready(page, address, ready, True)
            ours = [time_to_ready(page, address, ready, True) for _ in range(args.rounds)]
            shown = page.evaluate("document.querySelectorAll('section.event').length")
            assert shown == total, shown
        print(f"  interactive in Chromium, first load        {cold:8.1f} ms")
        print(
            f"  interactive in Chromium, median      {statistics.median(ours):8.1f} ms"
            f"  (min {min(ours):.1f}, max {max(ours):.1f})"
        )
        app = react_app(spec)
        if app is None:
            print("  (React component not installed in tests/js: no comparison)")
            return
        page.close()
        page = browser.page()
        with run_asgi(app) as port:
            address = url(port, "/asyncapi")
            done = "!!document.querySelector('#asyncapi .aui-root')"
            try:
                react = time_to_ready(page, address, done, False)
            except Exception:  # the page stayed busy past the DevTools timeout
                print("  asyncapi-react viewer: not rendered within 60 s")
                return
        print(
            f"  asyncapi-react viewer, first load     {react:8.1f} ms"
            f"  ({react / statistics.median(ours):.1f}x the built-in page's median;"
            " polled every 50 ms)"
        )


if __name__ == "__main__":
    main()
