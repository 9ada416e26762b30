"""Where things are in the repository and under .build/ (everything generated goes there)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
FUNCTIONS = ROOT / "functions"
OPENAPI = ROOT / "openapi" / "api.yaml"
TERRAFORM = ROOT / "terraform"
PYPROJECT = ROOT / "pyproject.toml"

LAMBDA_BUILD = BUILD / "lambda"
LAMBDA_ZIP = LAMBDA_BUILD / "image-service.zip"

EMULATOR_DIR = BUILD / "emulator"
EMULATOR_LOG = EMULATOR_DIR / "emulator.log"
EMULATOR_PID = EMULATOR_DIR / "emulator.pid"

TERRAFORM_BUILD = BUILD / "terraform"
EMULATOR_STATE = TERRAFORM_BUILD / "emulator.tfstate"
