# One Lambda function with its own role: it may write its logs and do exactly what
# `policy_statements` grants, nothing else.
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.function_name}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest with service-managed keys; the functions log no secrets or image bytes, so a customer-managed key would add cost and a key policy without a requirement.
  #checkov:skip=CKV_AWS_338:Retention is a choice (log_retention_days, 14 days by default): the logs serve debugging and hold user and tenant ids, so keeping them a year costs more and keeps personal data longer than that needs.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # Active tracing: the function's runtime sends segments to X-Ray. These two actions have no
  # resource types in the IAM service reference, so "*" is the only resource they take.
  dynamic "statement" {
    for_each = var.tracing_mode == "Active" ? [1] : []

    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.policy_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.function_name}-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_115:Reserved concurrency is opt-in (reserved_concurrency, unreserved by default): AWS refuses reservations that leave under 10 unreserved executions and a new account may have only 10, so the usage plan and stage throttles bound the load instead.
  #checkov:skip=CKV_AWS_116:API Gateway invokes the function synchronously (AWS_PROXY) and returns its errors to the caller; a dead-letter queue only receives failed asynchronous invocations, which never happen here.
  #checkov:skip=CKV_AWS_117:The function reaches only S3, DynamoDB and CloudWatch over TLS with IAM-signed requests and no private resource; a VPC would add NAT or endpoint cost and cold-start latency without narrowing that access.
  #checkov:skip=CKV_AWS_173:The environment holds resource names and settings only, never secrets; Lambda encrypts it at rest with its service key, so a customer-managed key would protect nothing more.
  #checkov:skip=CKV_AWS_272:The zip is built reproducibly from pinned dependencies by `nox -s build` and uploaded by the same Terraform run; code signing needs an AWS Signer profile and a signed-artifact pipeline, which this project does not publish.
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  # From the code bucket, not a local file (see modules/code_bucket: updates then run side by side).
  s3_bucket         = var.package.bucket
  s3_key            = var.package.key
  s3_object_version = var.package.version_id
  source_code_hash  = var.package_hash
  handler           = var.handler
  runtime           = "python3.13"
  architectures     = [var.architecture]
  memory_size       = var.memory_size
  timeout           = var.timeout

  reserved_concurrent_executions = var.reserved_concurrency

  tracing_config {
    mode = var.tracing_mode
  }

  environment {
    variables = var.environment
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
