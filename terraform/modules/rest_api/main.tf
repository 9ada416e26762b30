# The REST API imported from the OpenAPI document, a stage with access and execution logs,
# API keys and a usage plan.
locals {
  # Each `${<name>_uri}` placeholder in the document becomes that function's invoke ARN.
  body = templatefile(var.openapi_path, merge(
    { for name, function in var.functions : "${name}_uri" => function.invoke_arn },
    { cors_allow_origin = var.cors_allow_origin },
  ))

  # One JSON object per request. The API key id (never the key) is the tenant.
  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTime        = "$context.requestTime"
    ip                 = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    apiKeyId           = "$context.identity.apiKeyId"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    errorType          = "$context.error.responseType"
    errorMessage       = "$context.error.message"
    xrayTraceId        = "$context.xrayTraceId"
  })
}

data "aws_partition" "current" {}

resource "aws_api_gateway_rest_api" "this" {
  name              = var.name
  description       = var.description
  body              = local.body
  put_rest_api_mode = "overwrite"
  fail_on_warnings  = true
  api_key_source    = "HEADER"
  tags              = var.tags
  endpoint_configuration {
    types = ["REGIONAL"]
  }

  # A replacement API exists before the old one goes (the deployment already requires this).
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "body ${sha256(local.body)}"

  # A new deployment whenever the imported definition changes.
  triggers = {
    body = sha256(local.body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Where API Gateway writes the stage's logs: one JSON line per request (access), and what it
# did for a request (execution; API Gateway names that group itself, creating it here sets its
# retention).
resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest with service-managed keys; access logs hold no secrets (the API key id, never the key), so a customer-managed key would add cost and a key policy without a requirement.
  #checkov:skip=CKV_AWS_338:Retention is a choice (log_retention_days, 14 days by default): access logs hold caller IPs and tenant ids, so keeping them a year costs more and keeps personal data longer than operations need.
  name              = "/aws/apigateway/${var.name}/${var.stage_name}/access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest with service-managed keys; execution logs hold no request bodies (data tracing stays off), so a customer-managed key would add cost and a key policy without a requirement.
  #checkov:skip=CKV_AWS_338:Retention is a choice (log_retention_days, 14 days by default): execution logs serve debugging, so keeping them a year costs more than it helps.
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Caching would key responses on path and query only, not on the API key, so one tenant could be served another tenant's image; it also bills a cache cluster by the hour.
  #checkov:skip=CKV2_AWS_29:Every route requires an API key and every key is throttled and optionally capped by the usage plan, under a stage-wide limit; a WAF web ACL (a monthly fee per ACL and rule, plus per request) is for APIs open to unknown callers.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to an HTTP backend; every integration here is an AWS_PROXY Lambda invocation, authorised by IAM through a permission scoped to this API.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = var.xray_tracing_enabled
  tags                 = var.tags
  variables            = var.link_base_url == "" ? {} : { linkBaseUrl = var.link_base_url }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  # API Gateway refuses to log until the account has a CloudWatch role (see below).
  depends_on = [aws_api_gateway_account.this]
}

# Execution logging, detailed metrics and a stage-wide throttle for every method. Data tracing
# stays off: it would log request and response bodies (images, metadata) in full.
resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching would key responses on path and query only, not on the API key, so one tenant could be served another tenant's image; it stays off.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    logging_level          = var.execution_logging_level
    data_trace_enabled     = false
    metrics_enabled        = var.detailed_metrics_enabled
    throttling_rate_limit  = var.stage_throttle_rate_limit
    throttling_burst_limit = var.stage_throttle_burst_limit
    caching_enabled        = false
    cache_data_encrypted   = true
  }

  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]
}

# API Gateway writes CloudWatch logs through ONE role per account and region, shared by every
# REST API there. Managing it is optional (manage_account_cloudwatch_role): see README.md.
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name               = substr("${var.name}-apigateway-cloudwatch", 0, 64)
  description        = "API Gateway's account-wide role for writing CloudWatch logs (managed by ${var.name})."
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
  tags               = var.tags
}

# The AWS managed service-role policy, not a policy scoped to this API: the role serves every
# REST API in the account and region, and a narrower one would silently stop their logs.
resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy_attachment.cloudwatch]
}

resource "aws_lambda_permission" "invoke" {
  for_each = var.functions

  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*/*"
}

resource "aws_api_gateway_api_key" "this" {
  for_each = var.api_keys

  name        = "${var.name}-${each.key}"
  description = each.value.description
  enabled     = each.value.enabled
  tags        = var.tags
}

resource "aws_api_gateway_usage_plan" "this" {
  name        = "${var.name}-default"
  description = "Throttling and quota for every key of ${var.name}."

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.throttle_rate_limit
    burst_limit = var.throttle_burst_limit
  }

  dynamic "quota_settings" {
    for_each = var.quota_per_day == null ? [] : [var.quota_per_day]

    content {
      limit  = quota_settings.value
      period = "DAY"
    }
  }

  tags = var.tags
}

resource "aws_api_gateway_usage_plan_key" "this" {
  for_each = aws_api_gateway_api_key.this

  key_id        = each.value.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this.id
}
