"""Where things are in the repository and under .build/ (everything generated goes there)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
FUNCTIONS = ROOT / "functions"
OPENAPI = ROOT / "openapi" / "api.yaml"
TERRAFORM = ROOT / "terraform"
PYPROJECT = ROOT / "pyproject.toml"

LAMBDA_BUILD = BUILD / "lambda"


def lambda_zip(architecture: str) -> Path:
    """The zip `nox -s build` writes for one architecture; terraform/main.tf names the same file."""
    return LAMBDA_BUILD / f"image-service-{architecture}.zip"


def lambda_manifest(architecture: str) -> Path:
    """What that zip was built for (runtime, ABI, architecture): the deploy checks it."""
    return lambda_zip(architecture).with_suffix(".json")


EMULATOR_DIR = BUILD / "emulator"
EMULATOR_LOG = EMULATOR_DIR / "emulator.log"
EMULATOR_PID = EMULATOR_DIR / "emulator.pid"
# What the emulator saves at every graceful stop and loads at start (MiniStack's STATE_DIR), and
# where its S3 keeps object bytes (written through at every put).
EMULATOR_STATE_DIR = EMULATOR_DIR / "state"
EMULATOR_S3_DIR = EMULATOR_STATE_DIR / "s3-objects"

TERRAFORM_BUILD = BUILD / "terraform"
# `nox -s deploy` writes these for driving Terraform by hand (README: "Drive Terraform yourself").
EMULATOR_ENV = BUILD / "emulator.env"
BUILD_BIN = BUILD / "bin"
EMULATOR_STATE = TERRAFORM_BUILD / "emulator.tfstate"
