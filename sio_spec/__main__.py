"""``python -m sio_spec``: the ``sio-spec`` command line."""

from .cli import main

raise SystemExit(main())
