"""Support code for noxfile.py: packaging, the emulator process, Terraform. Standard library only,
because nox imports it before any session environment exists."""
