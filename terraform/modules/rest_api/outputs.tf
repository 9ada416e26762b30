output "api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the REST API."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Invoke URL of the stage on AWS (https://{api_id}.execute-api.{region}.amazonaws.com/{stage})."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "api_key_ids" {
  description = "Ids of the API keys, by name."
  value       = { for name, key in aws_api_gateway_api_key.this : name => key.id }
}

output "api_key_values" {
  description = "Values of the API keys, by name."
  value       = { for name, key in aws_api_gateway_api_key.this : name => key.value }
  sensitive   = true
}

output "usage_plan_id" {
  description = "Id of the usage plan."
  value       = aws_api_gateway_usage_plan.this.id
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's access logs (one JSON object per request)."
  value       = aws_cloudwatch_log_group.access.name
}

output "execution_log_group_name" {
  description = "CloudWatch log group API Gateway writes the stage's execution logs to."
  value       = aws_cloudwatch_log_group.execution.name
}

output "account_cloudwatch_role_arn" {
  description = "ARN of the account-wide API Gateway CloudWatch role this module set, or null when manage_account_cloudwatch_role is false."
  value       = one(aws_iam_role.cloudwatch[*].arn)
}
