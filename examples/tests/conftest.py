# One line gives every test the `summarizer_cassette` fixture.
pytest_plugins = ["summarizer.testing"]
