"""Serve the AsyncAPI docs page and documents from an ASGI, WSGI or aiohttp app.

No web framework is imported here: :func:`aiohttp_docs` imports aiohttp when called.
"""

from .aiohttp import aiohttp_docs
from .asgi import asgi_docs
from .page import (
    DEFAULT_BUNDLE_URL,
    DEFAULT_STYLESHEET_URL,
    REACT_COMPONENT_VERSION,
    DocumentProvider,
    docs_html,
)
from .wsgi import wsgi_docs

__all__ = [
    "DEFAULT_BUNDLE_URL",
    "DEFAULT_STYLESHEET_URL",
    "REACT_COMPONENT_VERSION",
    "DocumentProvider",
    "aiohttp_docs",
    "asgi_docs",
    "docs_html",
    "wsgi_docs",
]
