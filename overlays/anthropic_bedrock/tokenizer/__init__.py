"""The legacy Claude tokenizer behind `count_tokens` (loaded on first use)."""
