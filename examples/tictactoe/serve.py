"""Run the tic-tac-toe server of the sio-asyncapi blog post (``app.py``, kept as the
post wrote it) headless, with its AsyncAPI docs mounted.

``app.py``'s own ``__main__`` block is the post's: it rewrites the committed
document and starts Werkzeug in debug mode, which needs a terminal. This launcher
imports ``app.py`` instead (so that block does not run), serves the docs at
``/asyncapi`` (``/asyncapi.json``, ``/asyncapi.yaml``) next to Socket.IO, prints
the URL and leaves the committed document alone.

Run it: ``python examples/tictactoe/serve.py [--host 127.0.0.1] [--port 5000]``
(``HOST`` / ``PORT`` work too), or ``nox -s tictactoe -- --port 5000``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sio_spec.web import wsgi_docs

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import app as blog  # the post's module, imported: its __main__ block does not run

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args(argv)
    blog.app.wsgi_app = wsgi_docs(blog.socketio.spec, blog.app.wsgi_app)
    print(f"AsyncAPI docs: http://{args.host}:{args.port}/asyncapi", flush=True)
    # Werkzeug without a terminal: Flask-SocketIO asks for an explicit opt-in.
    blog.socketio.run(blog.app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
