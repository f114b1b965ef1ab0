"""What a client exposes (`client.completions`, `client.messages`), sync and async, typed against
the engine; the public clients import each on first use."""
