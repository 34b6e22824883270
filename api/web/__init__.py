"""The web service (FastAPI): routes over the same use cases as the command line."""
