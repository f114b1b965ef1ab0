"""AWS plumbing: SigV4 signing, credentials, the event-stream codec and S3 transfers."""
