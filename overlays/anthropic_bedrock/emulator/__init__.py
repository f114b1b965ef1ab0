"""A local Bedrock Runtime emulator: a real HTTP server on loopback (imported only on demand)."""
