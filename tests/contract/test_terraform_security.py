"""The Terraform's security promises that `nox -s security` (checkov) cannot check by itself.

Every skipped checkov check carries its reason next to the resource it skips, so a skip cannot
be added silently (comments: read from the .tf text, the only place they are); and what the
functions write is what the bucket's lifecycle rules expire and their roles allow, read from the
planned values of the root module (`terraform_plan`: tests/fixtures/terraform_plan.py)."""

import re
from pathlib import Path
from typing import Any

import pytest

from image_service import contract, variants
from tests.fixtures.terraform_plan import Plan

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
MIN_REASON_WORDS = 8

SKIP = re.compile(r"^\s*#\s*checkov:skip=(?P<check>CKV2?_[A-Z0-9]+_\d+):(?P<reason>.*)$")
BLOCK_OPENING = re.compile(r'^\s*(resource|data|module)\s+"[^"]+"(\s+"[^"]+")?\s*\{\s*$')


def terraform_files() -> list[Path]:
    """The .tf files of a clone: no .terraform/ caches, no override file tflocal writes for a run."""
    return sorted(
        path
        for path in TERRAFORM.rglob("*.tf")
        if ".terraform" not in path.parts and not path.name.endswith("_override.tf")
    )


def skip_comments() -> list[tuple[str, int, str]]:
    """(file, line number, line) of every line that mentions a checkov skip."""
    return [
        (str(path.relative_to(ROOT)), number, line)
        for path in terraform_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "checkov:skip" in line.lower()
    ]


def test_the_terraform_has_skips_to_check() -> None:
    # Guards the tests below against passing on nothing (a moved directory, a changed glob)
    assert terraform_files()
    assert skip_comments()


@pytest.mark.parametrize(("where", "number", "line"), skip_comments())
def test_each_skip_names_one_check_and_explains_itself(where: str, number: int, line: str) -> None:
    match = SKIP.match(line)
    assert match, f"{where}:{number}: write skips as `#checkov:skip=CKV_..._N:<why>`, got {line.strip()!r}"
    reason = match.group("reason").strip()
    assert len(reason.split()) >= MIN_REASON_WORDS, (
        f"{where}:{number}: skipping {match.group('check')} needs a real justification "
        f"(at least {MIN_REASON_WORDS} words), got {reason!r}"
    )


def test_skips_sit_at_the_top_of_the_block_they_skip() -> None:
    misplaced, duplicated = [], []
    for path in terraform_files():
        lines = path.read_text().splitlines()
        index = 0
        while index < len(lines):
            if SKIP.match(lines[index]) is None:
                index += 1
                continue
            # A run of skip comments: right under the block's opening line, each check once
            where = f"{path.relative_to(ROOT)}:{index + 1}"
            if index == 0 or not BLOCK_OPENING.match(lines[index - 1]):
                misplaced.append(where)
            checks = []
            while index < len(lines) and (match := SKIP.match(lines[index])):
                checks.append(match.group("check"))
                index += 1
            if len(checks) != len(set(checks)):
                duplicated.append(where)
    assert misplaced == [], "checkov skips belong right under the resource/data/module line they apply to"
    assert duplicated == []


BUCKET_MODULE = "module.bucket"


def lifecycle_rule(plan: Plan, rule_id: str) -> dict[str, Any]:
    """The one rule of the image bucket's planned lifecycle configuration with this id."""
    rules = plan.planned(f"{BUCKET_MODULE}.aws_s3_bucket_lifecycle_configuration.this")["rule"]
    [rule] = [rule for rule in rules if rule["id"] == rule_id]
    assert rule["status"] == "Enabled", rule
    return dict(rule)


def bucket_default(plan: Plan, variable: str) -> Any:
    """The image_bucket module's default for a variable the root module leaves to it."""
    module = plan.document["configuration"]["root_module"]["module_calls"]["bucket"]
    assert variable not in module["expressions"], f"the root sets {variable}: compare with its value"
    return module["module"]["variables"][variable]["default"]


def statements(plan: Plan, function: str) -> dict[str, set[str]]:
    """The actions of each statement (by sid) of a function's policy, as planned (the resources,
    ARNs of resources not created yet, are known only at apply)."""
    document = plan.change(f'module.function["{function}"].data.aws_iam_policy_document.this')
    return {statement["sid"]: set(statement["actions"]) for statement in document["statement"]}


def test_the_plan_has_the_resources_these_tests_read(terraform_plan: Plan) -> None:
    # Guards the tests below against passing on nothing (a renamed module, a moved resource)
    assert terraform_plan.exit_code == 2
    assert lifecycle_rule(terraform_plan, "expire-orphans")
    assert set(statements(terraform_plan, "get_image")) >= {"ReadImages", "CacheVariants"}


def test_the_lifecycle_rule_expires_objects_with_the_orphan_tag_the_functions_put(
    terraform_plan: Plan,
) -> None:
    rule = lifecycle_rule(terraform_plan, "expire-orphans")
    [only] = rule["filter"]
    assert [(tag["key"], tag["value"]) for tag in only["tag"]] == [contract.ORPHAN_TAG]
    assert only["prefix"] in (None, "")  # every key: an orphan may be an image or a variant
    assert [expiration["days"] for expiration in rule["expiration"]] == [1]


@pytest.mark.parametrize(
    ("function", "sid"),
    [("upload_image", "WriteImages"), ("complete_upload", "WriteImages"), ("delete_image", "DeleteImages")],
)
def test_functions_that_discard_objects_may_tag_them(terraform_plan: Plan, function: str, sid: str) -> None:
    # upload_image, complete_upload (rollback) and delete_image end in ImageStore._discard_object,
    # in storage/image_store.py
    assert {"s3:DeleteObject", "s3:PutObjectTagging"} <= statements(terraform_plan, function)[sid]


def test_staged_uploads_expire_under_the_contract_prefix(terraform_plan: Plan) -> None:
    rule = lifecycle_rule(terraform_plan, "expire-unfinished-uploads")
    assert [only["prefix"] for only in rule["filter"]] == [contract.STAGING_PREFIX]
    days = bucket_default(terraform_plan, "staging_expiration_days")
    assert [expiration["days"] for expiration in rule["expiration"]] == [days]
    assert [kept["noncurrent_days"] for kept in rule["noncurrent_version_expiration"]] == [days]
    # and the functions' IAM names the same prefix, from the module (an ARN known at apply only)
    main = (TERRAFORM / "main.tf").read_text()
    assert re.search(
        r'\bstaged\s*=\s*"\$\{module\.bucket\.bucket_arn\}/\$\{module\.bucket\.staging_prefix\}\*"', main
    )


def test_variants_expire_under_the_prefix_the_functions_write(terraform_plan: Plan) -> None:
    rule = lifecycle_rule(terraform_plan, "expire-variants")
    [prefix] = [only["prefix"] for only in rule["filter"]]
    assert variants.variants_prefix("an-id") == f"{prefix}an-id/"
    days = bucket_default(terraform_plan, "variant_expiration_days")
    assert [expiration["days"] for expiration in rule["expiration"]] == [days]
    assert [kept["noncurrent_days"] for kept in rule["noncurrent_version_expiration"]] == [1]
    main = (TERRAFORM / "main.tf").read_text()
    assert re.search(
        r'\bvariants\s*=\s*"\$\{module\.bucket\.bucket_arn\}/\$\{module\.bucket\.variants_prefix\}\*"', main
    )


def test_get_image_may_tag_untag_and_remove_the_variants_it_writes(terraform_plan: Plan) -> None:
    # ImageStore.store_variant: put tagged, then untag (adopt) or delete that version
    granted = statements(terraform_plan, "get_image")
    on_variants = granted["CacheVariants"] | granted["KeepOrDropVariants"]
    assert {
        "s3:PutObject",
        "s3:PutObjectTagging",
        "s3:DeleteObjectTagging",
        "s3:DeleteObjectVersionTagging",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
    } <= on_variants
    # ...on the variants' keys only (the resources are ARNs known at apply: the wiring is in main.tf)
    main = (TERRAFORM / "main.tf").read_text()
    for sid in ("CacheVariants", "KeepOrDropVariants"):
        assert re.search(rf'sid\s*=\s*"{sid}"[^}}]*resources\s*=\s*\[\s*local\.variants\s*\]', main), sid
