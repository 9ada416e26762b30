"""`terraform init -backend=false` + `terraform validate` on terraform/, offline when a provider
mirror exists, in a data directory of its own (never the emulator deployment's).

Run by the pre-commit hook (and so by `nox -s lint`): `python -m devtools.validate_terraform`."""

import os
import subprocess
import sys

from devtools import paths, terraform


def main() -> int:
    binary = terraform.require_terraform()
    env = {
        **os.environ,
        **terraform.environment(),
        "TF_DATA_DIR": str(paths.TERRAFORM_BUILD / "validate-data"),
    }
    # -lockfile=readonly: terraform/.terraform.lock.hcl is committed; a provider it does not name
    # (or a hash that does not match) fails here, before any deploy.
    for args in (["init", "-backend=false", "-input=false", "-lockfile=readonly"], ["validate"]):
        result = subprocess.run(
            [binary, f"-chdir={paths.TERRAFORM}", *args, "-no-color"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return result.returncode
    print("terraform validate: the configuration is valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
