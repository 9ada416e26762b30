output "distribution_id" {
  description = "Id of the CloudFront distribution (for `aws cloudfront create-invalidation --distribution-id ...`)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "The distribution's own host name (d....cloudfront.net): the target of domain_name's CNAME or alias record."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "base_url" {
  description = "Base URL of share links served through the distribution: https://<domain_name>."
  value       = "https://${var.domain_name}"
}

output "cache_policy_id" {
  description = "Id of the share-link cache policy (keyed on the path only)."
  value       = aws_cloudfront_cache_policy.this.id
}

output "log_bucket_name" {
  description = "Bucket holding the distribution's standard access logs (prefix cloudfront/)."
  value       = aws_s3_bucket.logs.bucket
}
