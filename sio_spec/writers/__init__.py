"""What writes something from a contract besides the AsyncAPI document (see
:mod:`sio_spec.asyncapi`) and TypeScript (see :mod:`sio_spec.typescript`): the
agent catalog and the call plans it is built from.

Every module here was at ``sio_spec.<name>`` before and can still be imported from
there.
"""
