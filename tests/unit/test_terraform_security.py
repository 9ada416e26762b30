"""The Terraform's security promises that `nox -s security` (checkov) cannot check by itself.

Every skipped checkov check carries its reason next to the resource it skips, so a skip cannot
be added silently; and the orphan tag the functions put on objects is the one the bucket's
lifecycle rule expires."""

import re
from pathlib import Path

import pytest

from image_service import contract, variants

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


def hcl_blocks(text: str, opening: str) -> list[str]:
    """Every block whose first line matches the regex `opening`, braces balanced (these files
    have none inside strings)."""
    blocks = []
    for start in (match.start() for match in re.finditer(opening, text)):
        depth = 0
        for position in range(text.index("{", start), len(text)):
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            if depth == 0:
                blocks.append(text[start : position + 1])
                break
        else:
            raise AssertionError(f"unbalanced block after {opening!r}")
    return blocks


def hcl_block(text: str, opening: str) -> str:
    blocks = hcl_blocks(text, opening)
    assert len(blocks) == 1, f"expected one {opening!r} block, found {len(blocks)}"
    return blocks[0]


def lifecycle_rule(rule_id: str) -> str:
    """The one rule of the image bucket's lifecycle configuration with this id."""
    bucket = (TERRAFORM / "modules" / "image_bucket" / "main.tf").read_text()
    lifecycle = hcl_block(bucket, r'resource\s+"aws_s3_bucket_lifecycle_configuration"\s+"this"')
    [rule] = [
        rule for rule in hcl_blocks(lifecycle, r"\brule\s*\{") if re.search(rf'id\s*=\s*"{rule_id}"', rule)
    ]
    return rule


def test_orphan_tag_default_is_the_one_the_functions_put() -> None:
    variables = (TERRAFORM / "modules" / "image_bucket" / "variables.tf").read_text()
    block = hcl_block(variables, r'variable\s+"orphan_tag"')
    default = re.search(
        r'default\s*=\s*\{\s*key\s*=\s*"(?P<key>[^"]*)"\s*value\s*=\s*"(?P<value>[^"]*)"\s*\}', block
    )
    assert default, block
    assert (default.group("key"), default.group("value")) == contract.ORPHAN_TAG


def test_lifecycle_rule_expires_objects_with_the_orphan_tag_variable() -> None:
    rule = lifecycle_rule("expire-orphans")
    assert re.search(r"key\s*=\s*var\.orphan_tag\.key", rule)
    assert re.search(r"value\s*=\s*var\.orphan_tag\.value", rule)
    assert re.search(r"expiration\s*\{\s*days\s*=\s*1\s*\}", rule)


@pytest.mark.parametrize("sid", ["WriteImages", "DeleteImages"])
def test_functions_that_discard_objects_may_tag_them(sid: str) -> None:
    # upload_image (rollback) and delete_image both end in ImageStore._discard_object (storage/image_store.py)
    main = (TERRAFORM / "main.tf").read_text()
    statement = next(line for line in main.splitlines() if f'sid = "{sid}"' in line)
    assert '"s3:DeleteObject"' in statement
    assert '"s3:PutObjectTagging"' in statement


def test_staged_uploads_expire_under_the_contract_prefix() -> None:
    variables = (TERRAFORM / "modules" / "image_bucket" / "variables.tf").read_text()
    block = hcl_block(variables, r'variable\s+"staging_prefix"')
    default = re.search(r'default\s*=\s*"([^"]*)"', block)
    assert default, block
    assert default.group(1) == contract.STAGING_PREFIX
    rule = lifecycle_rule("expire-unfinished-uploads")
    assert re.search(r"prefix\s*=\s*var\.staging_prefix", rule)
    assert re.search(r"expiration\s*\{\s*days\s*=\s*var\.staging_expiration_days\s*\}", rule)
    assert re.search(r"noncurrent_days\s*=\s*var\.staging_expiration_days", rule)
    # and the functions' IAM names the same prefix, from the module
    main = (TERRAFORM / "main.tf").read_text()
    assert re.search(
        r'staged\s*=\s*"\$\{module\.bucket\.bucket_arn\}/\$\{module\.bucket\.staging_prefix\}\*"', main
    )


def test_variants_expire_under_the_prefix_the_functions_write() -> None:
    variables = (TERRAFORM / "modules" / "image_bucket" / "variables.tf").read_text()
    block = hcl_block(variables, r'variable\s+"variants_prefix"')
    default = re.search(r'default\s*=\s*"([^"]*)"', block)
    assert default, block
    assert variants.variants_prefix("an-id") == f"{default.group(1)}an-id/"
    rule = lifecycle_rule("expire-variants")
    assert re.search(r"prefix\s*=\s*var\.variants_prefix", rule)
    assert re.search(r"expiration\s*\{\s*days\s*=\s*var\.variant_expiration_days\s*\}", rule)
    assert re.search(r"noncurrent_days\s*=\s*1\b", rule)
    main = (TERRAFORM / "main.tf").read_text()
    assert re.search(
        r'variants\s*=\s*"\$\{module\.bucket\.bucket_arn\}/\$\{module\.bucket\.variants_prefix\}\*"', main
    )


def test_get_image_may_tag_untag_and_remove_the_variants_it_writes() -> None:
    # ImageStore.store_variant: put tagged, then untag (adopt) or delete that version
    main = (TERRAFORM / "main.tf").read_text()
    get_image = hcl_block(main, r"\bget_image\s*=\s*\{")
    granted = {
        action
        for line in get_image.splitlines()
        if "local.variants" in line
        for action in re.findall(r'"(s3:[A-Za-z]+)"', line)
    }
    assert {
        "s3:PutObject",
        "s3:PutObjectTagging",
        "s3:DeleteObjectTagging",
        "s3:DeleteObjectVersionTagging",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
    } <= granted
