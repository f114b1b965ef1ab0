"""The operations the SDK calls, as data: what each takes, how its body is built from the caller's
arguments, which generated endpoint sends it, and how its answer and stream events read. Checking
and building a call (`base.prepare`) is one function for all of them."""
