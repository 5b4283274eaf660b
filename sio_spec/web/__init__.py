"""Serve the docs page (with its console) and documents from an ASGI, WSGI or aiohttp app.

No web framework is imported here: :func:`aiohttp_docs` imports aiohttp when called.
"""

from .aiohttp import aiohttp_docs
from .asgi import asgi_docs
from .page import (
    DEFAULT_BUNDLE_URL,
    DEFAULT_SOCKETIO_PATH,
    DEFAULT_STYLESHEET_URL,
    REACT_COMPONENT_VERSION,
    VIEWERS,
    DocumentProvider,
    content_security_policy,
    docs_html,
)
from .view import view_model
from .wsgi import wsgi_docs

__all__ = [
    "DEFAULT_BUNDLE_URL",
    "DEFAULT_SOCKETIO_PATH",
    "DEFAULT_STYLESHEET_URL",
    "REACT_COMPONENT_VERSION",
    "VIEWERS",
    "DocumentProvider",
    "aiohttp_docs",
    "asgi_docs",
    "content_security_policy",
    "docs_html",
    "view_model",
    "wsgi_docs",
]
