"""Image storage service: the code behind every Lambda of the API (one package, one zip)."""
