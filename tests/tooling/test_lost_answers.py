"""`nox -s deploy` starts a stack made from nothing over once when, and only when, every error of
its apply is a create meeting what its own lost first try made (devtools/lost_answers.py)."""

import pytest

from devtools.lost_answers import conflicting_creates

# Terraform's diagnostics as the deploy reads them (colour codes included), from the failures seen
# here: the CI run of 2026-12-02, a cold deploy with the emulator's idle timeout cut to 1 s, and one
# of the 18 cold deploys measured after it (a 400, not a 409).
_BOX = "\x1b[31m│\x1b[0m \x1b[0m"
ADD_PERMISSION = [
    'module.api.aws_lambda_permission.invoke["rotate_signing_key"]: Still creating... [4m50s elapsed]\n',
    "\n",
    "\x1b[31m╷\x1b[0m\x1b[0m\n",
    (
        f"{_BOX}\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1madding Lambda Permission "
        "(image-service-rotate-signing-key/AllowApiGatewayInvoke): operation error Lambda: AddPermission, "
        "https response error StatusCode: 409, RequestID: 83c5dc5f-5325-4556-943e-a5c9865b6317, "
        "ResourceConflictException: The statement id (AllowApiGatewayInvoke) provided already exists. "
        "Please provide a new statement id, or remove the existing statement.\x1b[0m\n"
    ),
    f"{_BOX}\n",
    f'{_BOX}\x1b[0m  with module.api.aws_lambda_permission.invoke["rotate_signing_key"],\n',
    f'{_BOX}  on modules/rest_api/main.tf line 166, in resource "aws_lambda_permission" "invoke":\n',
    f'{_BOX}  166: resource "aws_lambda_permission" "invoke" \x1b[4m{{\x1b[0m\x1b[0m\n',
    "\x1b[31m╵\x1b[0m\x1b[0m\n",
]
CREATE_ROLE = [
    (
        f"{_BOX}\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mcreating IAM Role (image-service-list-images-role): "
        "operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: "
        "be975269-32bf-4563-8577-f935b3b74898, EntityAlreadyExists: Role with name "
        "image-service-list-images-role already exists.\x1b[0m\n"
    ),
    f"{_BOX}\n",
    f'{_BOX}\x1b[0m  with module.function["list_images"].aws_iam_role.this,\n',
    f'{_BOX}  on modules/lambda_function/main.tf line 14, in resource "aws_iam_role" "this":\n',
]
CREATE_LOG_GROUP = [
    (
        f"{_BOX}\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mcreating CloudWatch Logs Log Group "
        "(/aws/lambda/image-service-revoke-signing-key): operation error CloudWatch Logs: CreateLogGroup, "
        "https response error StatusCode: 400, RequestID: c285dcb1-789d-4c71-a300-b497a77afa6b, "
        "ResourceAlreadyExistsException: The specified log group already exists: "
        "/aws/lambda/image-service-revoke-signing-key\x1b[0m\n"
    ),
    f"{_BOX}\n",
    f'{_BOX}\x1b[0m  with module.function["revoke_signing_key"].aws_cloudwatch_log_group.this,\n',
    f'{_BOX}  on modules/lambda_function/main.tf line 20, in resource "aws_cloudwatch_log_group" "this":\n',
]
ACCESS_DENIED = [
    (
        f"{_BOX}Error: creating Lambda Function (image-service-get-image): operation error Lambda: "
        "CreateFunction, https response error StatusCode: 403, RequestID: 1, AccessDeniedException: "
        "not authorized\n"
    ),
    f'{_BOX}  with module.function["get_image"].aws_lambda_function.this,\n',
]
NO_RESOURCE = [f"{_BOX}Error: Invalid provider configuration\n", f"{_BOX}\n"]


def test_a_create_meeting_its_own_first_try_is_named_by_its_address() -> None:
    assert conflicting_creates(ADD_PERMISSION) == [
        'module.api.aws_lambda_permission.invoke["rotate_signing_key"]'
    ]
    assert conflicting_creates(CREATE_ROLE) == ['module.function["list_images"].aws_iam_role.this']
    assert conflicting_creates(CREATE_LOG_GROUP) == [
        'module.function["revoke_signing_key"].aws_cloudwatch_log_group.this'
    ]


def test_several_such_conflicts_are_all_named() -> None:
    assert conflicting_creates([*ADD_PERMISSION, *CREATE_ROLE]) == [
        'module.api.aws_lambda_permission.invoke["rotate_signing_key"]',
        'module.function["list_images"].aws_iam_role.this',
    ]


@pytest.mark.parametrize(
    "output",
    [
        pytest.param([], id="no error"),
        pytest.param(["Apply complete! Resources: 98 added, 0 changed, 0 destroyed.\n"], id="success"),
        pytest.param(ACCESS_DENIED, id="another 4xx"),
        pytest.param(NO_RESOURCE, id="an error with no resource"),
        pytest.param([*CREATE_ROLE, *ACCESS_DENIED], id="a conflict beside another error"),
        pytest.param([*ACCESS_DENIED, *CREATE_ROLE], id="another error before a conflict"),
        pytest.param(CREATE_ROLE[:1], id="a conflict with no resource named"),
    ],
)
def test_anything_else_is_not_started_over(output: list[str]) -> None:
    assert conflicting_creates(output) == []
