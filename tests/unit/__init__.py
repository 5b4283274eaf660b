"""Fast tests without sockets: handler reading, the document builder, TARGET loading."""
