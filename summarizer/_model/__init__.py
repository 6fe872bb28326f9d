"""The model call and its transports: the only code that imports openai and instructor.

- `call`: one summary's requests (instructor above, our transport retries below).
- `failures`: openai's and instructor's errors translated into ours.
- `clients`: the openai clients, shared per endpoint, per batch or over a transport.
- `backends`: the structured-output request shape each kind of server accepts.
- `retry`: the transport retry policy and the re-ask policy handed to instructor.
- `gate`: a batch's shared limits (requests and tokens per minute, Retry-After pauses,
  requests in flight).
- `cassettes`: recorded HTTP exchanges, replayed offline or recorded live.
- `record`: what one call spent and saw (`CallRecord`), and the checks' `Review` it reads.

An import-linter contract in `make check` keeps openai and instructor imports here.
"""
