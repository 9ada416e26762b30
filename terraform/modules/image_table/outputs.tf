output "table_name" {
  description = "Name of the metadata table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the metadata table (for IAM policies)."
  value       = aws_dynamodb_table.this.arn
}

output "by_owner_index_name" {
  description = "Name of the by-owner index."
  value       = var.by_owner_index_name
}

output "by_owner_index_arn" {
  description = "ARN of the by-owner index (for IAM policies)."
  value       = "${aws_dynamodb_table.this.arn}/index/${var.by_owner_index_name}"
}
