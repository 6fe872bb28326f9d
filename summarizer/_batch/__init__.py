"""Many articles in one run.

- `run`: `asummarize_many()` and `summarize_many()`, with bounded requests in flight,
  shared limits and a cache.
- `item`: one item's text (or why it has none) and its `ItemResult`.
- `inputs`: a folder or a JSONL, read as a stream.
- `files`: the results, as a resumable JSONL.
- `spent`: the results file's side file, what items still without a line have paid for.
- `provider_api`: handing a batch to a provider's Batch API (or vLLM's run_batch) and
  collecting it.
- `progress`: the progress bar on a terminal.
"""
