"""What runs on a Socket.IO server: the handler registry, reading a handler's
signature, payload validation, the event pipeline, the emitters, error acks and
the observer interface.

The python-socketio hooks that connect the pipeline to a server live in
:mod:`sio_spec.adapters`. Every module here was at ``sio_spec.<name>`` before and
can still be imported from there.
"""
