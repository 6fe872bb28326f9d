"""What the tests share: fixtures and builders (`support`), a local OpenAI-compatible server
(`fake_openai`), the settings of live llama.cpp runs (`live`) and that server itself
(`llama`), the articles in other languages (`language_articles`), a gold file written by
hand (`gold`), a PostgreSQL server started for the tests (`postgres`), a headless Chromium
for the pages (`browser`), the Debian packages both install (`apt`) and a full disk
(`tiny_disk`). Found through pytest's `pythonpath = ["tests"]`, as `helpers.<module>`."""
