# The functions' code: the Lambda zip, uploaded once per change, which every function reads from
# here. From a local `filename` instead, the AWS provider uploads the zip once per function under
# one global lock that it holds through each function's update wait (a fixed 5 s before the first
# status read), so a code change updated 13 functions one after another (90 s on the emulator);
# from S3 the updates run side by side. Private, encrypted, TLS only, versioned: each function
# names the exact object version it runs, and earlier versions stay a week for a rollback.
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket (itself unlogged); only Terraform writes here and only Lambda reads, both recorded by CloudTrail's management events.
  #checkov:skip=CKV_AWS_144:Cross-region replication of a build artifact protects nothing: `nox -s build` rebuilds the same zip from the repository and its lock file.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256, bucket keys) encrypts the zip at rest; it holds open-source dependencies and this repository's code, no secrets, so a customer-managed KMS key adds cost and a key policy without a requirement.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of this bucket: Terraform itself points the functions at each new version.
  bucket = var.bucket_name
  # Nothing here is data: a destroy may remove the artifacts with the bucket.
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  # Replaced zips stay for a rollback (point a function at the older version), then go.
  rule {
    id     = "expire-replaced-packages"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls_only.json

  # A bucket policy is refused while public access settings are still being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

# The zip itself. source_hash makes a rebuilt zip a new object version; an unchanged one plans
# no change.
resource "aws_s3_object" "package" {
  #checkov:skip=CKV_AWS_186:The bucket's default encryption (SSE-S3) encrypts the object; see CKV_AWS_145 on the bucket for why not a customer-managed key.
  bucket       = aws_s3_bucket.this.id
  key          = var.package_key
  source       = var.package_path
  source_hash  = filemd5(var.package_path)
  content_type = "application/zip"
  tags         = var.tags

  # Written once the bucket versions (the functions name a version) and is private and encrypted.
  depends_on = [
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_ownership_controls.this,
  ]
}
