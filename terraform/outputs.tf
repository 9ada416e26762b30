output "api_id" {
  description = "Id of the REST API."
  value       = module.api.api_id
}

output "stage_name" {
  description = "Stage serving the API."
  value       = module.api.stage_name
}

output "invoke_url" {
  description = "Base URL on AWS; routes are <invoke_url>/v1/images. On an emulator `nox -s info` prints the local URL."
  value       = module.api.invoke_url
}

output "api_key" {
  description = "Value of the API key named \"default\" (send as x-api-key)."
  value       = module.api.api_key_values["default"]
  sensitive   = true
}

output "api_keys" {
  description = "Values of every API key, by name."
  value       = module.api.api_key_values
  sensitive   = true
}

output "bucket_name" {
  description = "Bucket holding image bytes."
  value       = module.bucket.bucket_name
}

output "table_name" {
  description = "Table holding image metadata."
  value       = module.table.table_name
}

output "uploads_table_name" {
  description = "Table holding large uploads between their start and completion."
  value       = module.uploads.table_name
}

output "function_names" {
  description = "Lambda function names, by operation."
  value       = { for name, function in module.function : name => function.function_name }
}

output "cors_allow_origin" {
  description = "The browser origin the API answers CORS requests for."
  value       = var.cors_allow_origin
}

output "region" {
  description = "Region of the stack (the end-to-end tests' SDK clients use it)."
  value       = var.region
}

output "signing_keys_table_name" {
  description = "Table holding each tenant's share-link signing-key state (the key material is in Secrets Manager)."
  value       = module.signing_keys.table_name
}
