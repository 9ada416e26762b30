output "bucket_name" {
  description = "Name of the image bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the image bucket (for IAM policies)."
  value       = aws_s3_bucket.this.arn
}

output "orphan_tag" {
  description = "Object tag (key, value) that marks an orphaned upload for expiry; the functions' copy is ORPHAN_TAG in functions/image_service/contract.py (a unit test compares them)."
  value       = var.orphan_tag
}

output "staging_prefix" {
  description = "Key prefix of uploads waiting for completion (expired by the lifecycle rule)."
  value       = var.staging_prefix
}

output "variants_prefix" {
  description = "Key prefix of resized variants (expired by the lifecycle rule)."
  value       = var.variants_prefix
}
