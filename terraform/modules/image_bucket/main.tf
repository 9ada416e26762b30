# Image bytes: private, encrypted at rest, versioned, reachable only over TLS.
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket (itself unlogged); API Gateway access logs already record every request with its API key id and source IP, and IAM grants object access only to the functions' roles.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for a regional service; versioning with noncurrent-version retention and DynamoDB point-in-time recovery cover accidental deletes and overwrites.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256, bucket keys) encrypts every object at rest; a customer-managed KMS key adds per-request cost and a key policy to run, with no cross-account or key-revocation requirement here.
  #checkov:skip=CKV2_AWS_62:Nothing consumes bucket events: the upload function writes the metadata item itself, so notifications would have no subscriber.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
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

# Versioning turns an overwrite or a delete into a recoverable noncurrent version; the
# lifecycle rules below expire those, so the bucket does not grow without bound.
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

  # Deleted or replaced images stay recoverable for the retention, then go; so do the
  # delete markers left with nothing behind them.
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  # An object the upload could neither commit nor roll back carries the orphan tag:
  # it goes after a day, and so does its noncurrent version (the tag stays on it).
  rule {
    id     = "expire-orphans"
    status = "Enabled"

    filter {
      tag {
        key   = var.orphan_tag.key
        value = var.orphan_tag.value
      }
    }

    expiration {
      days = 1
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  # Bytes of a large upload never completed go after a day, and so does every version of them
  # (completion copies what it verified and, once the image is published, deletes the staged
  # version itself).
  rule {
    id     = "expire-unfinished-uploads"
    status = "Enabled"

    filter {
      prefix = var.staging_prefix
    }

    expiration {
      days = var.staging_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.staging_expiration_days
    }
  }

  # Variants are a cache of their image: a variant goes after variant_expiration_days (made
  # again on the next request), so none left by a delete whose sweep failed lives longer; one
  # deleted or replaced goes after a day, not after the originals' recovery window.
  rule {
    id     = "expire-variants"
    status = "Enabled"

    filter {
      prefix = var.variants_prefix
    }

    expiration {
      days = var.variant_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  # Rules about noncurrent versions presuppose versioning (the provider documents this order).
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
