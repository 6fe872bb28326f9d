"""What is summarized: the article as given, checked before any request.

- `article`: text, bytes or a saved web page turned into the article, with clear errors.
- `webpage`: a page's story without its menus and footers (trafilatura), and fetching one.
- `parts`: a long article cut into overlapping parts, and their summaries combined.
"""
