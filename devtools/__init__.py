"""Support code for noxfile.py: packaging, the emulator process, Terraform. Standard library only,
because nox imports it before any session environment exists; the exceptions (api_docs and the
like) say so and run inside a session's venv with `python -m devtools.<module>`."""
