output "bucket_name" {
  description = "Name of the code bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the code bucket."
  value       = aws_s3_bucket.this.arn
}

output "package" {
  description = "Where the functions read their code: bucket, key, and the object version of this zip."
  value = {
    bucket     = aws_s3_object.package.bucket
    key        = aws_s3_object.package.key
    version_id = aws_s3_object.package.version_id
  }
}
