# The REST API imported from the OpenAPI document, a stage, API keys and a usage plan.
locals {
  # Each `${<name>_uri}` placeholder in the document becomes that function's invoke ARN.
  body = templatefile(var.openapi_path, merge(
    { for name, function in var.functions : "${name}_uri" => function.invoke_arn },
    { cors_allow_origin = var.cors_allow_origin },
  ))
}

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

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
  tags          = var.tags
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
