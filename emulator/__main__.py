"""Run MiniStack in the foreground with the compatibility layer installed.

`nox -s up` starts this in the background; `python -m emulator` works by hand too."""

from emulator import ministack_compat


def main() -> None:
    ministack_compat.install()
    from ministack.app import main as ministack_main  # noqa: PLC0415  after the layer is in place

    ministack_main()


if __name__ == "__main__":
    main()
