"""Streamed answers: the generic event stream (`stream`) and what completions and messages keep of
their events and offer on top (`completions`, `messages`, `message_stream`)."""
