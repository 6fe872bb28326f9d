"""What the tests share: fixtures and builders (`support`), a local OpenAI-compatible server
(`fake_openai`), the settings of live llama.cpp runs (`live`) and that server itself
(`llama`). Found through pytest's `pythonpath = ["tests"]`, as `helpers.<module>`."""
