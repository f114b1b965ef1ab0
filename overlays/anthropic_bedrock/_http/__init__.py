"""HTTP plumbing: transports, deadlines, orphaned streams and the server-sent-events codec."""
