"""The embedded emulator: MiniStack plus this project's compatibility layer (ministack_compat)."""
