data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The zip `nox -s build` writes for the chosen architecture (devtools/paths.py names the same file).
  package_path = coalesce(var.function_package, "${path.root}/../.build/lambda/image-service-${var.lambda_architecture}.zip")
  # Bucket names are global: account and region make ours unique.
  bucket_name = "${var.name_prefix}-images-${data.aws_caller_identity.current.account_id}-${var.region}"

  images   = "${module.bucket.bucket_arn}/images/*"
  variants = "${module.bucket.bucket_arn}/${module.bucket.variants_prefix}*"
  staged   = "${module.bucket.bucket_arn}/${module.bucket.staging_prefix}*"
  # Share-link signing keys: one secret per tenant under this name prefix, made by the functions on
  # a tenant's first link (so the IAM below names the prefix, never "*").
  signing_key_secret_prefix = "${var.name_prefix}/signing-keys/"
  signing_key_secrets       = "arn:${data.aws_partition.current.partition}:secretsmanager:${var.region}:${data.aws_caller_identity.current.account_id}:secret:${local.signing_key_secret_prefix}*"
  environment = {
    IMAGES_BUCKET           = module.bucket.bucket_name
    IMAGES_TABLE            = module.table.table_name
    IMAGES_BY_OWNER_INDEX   = module.table.by_owner_index_name
    UPLOADS_TABLE           = module.uploads.table_name
    IDEMPOTENCY_TABLE       = module.idempotency.table_name
    POWERTOOLS_SERVICE_NAME = var.name_prefix
    POWERTOOLS_LOG_LEVEL    = "INFO"
    CORS_ALLOW_ORIGIN       = var.cors_allow_origin
    STRIP_ORIGINAL_METADATA = tostring(var.strip_original_metadata)
    # Exactly what functions/image_service/settings.py reads (tests/unit/test_settings.py). The
    # orphan tag is not among them: the code has it as contract.ORPHAN_TAG, which a unit test
    # compares with the bucket module's lifecycle rule.
    # The preset table (validated by the variable here, and again by the functions as they start)
    IMAGE_PRESETS             = jsonencode({ for name, preset in var.image_presets : name => { for field, value in preset : field => value if value != null } })
    ALLOW_ARBITRARY_VARIANTS  = tostring(var.allow_arbitrary_variants)
    SIGNING_KEYS_TABLE        = module.signing_keys.table_name
    SIGNING_KEY_SECRET_PREFIX = local.signing_key_secret_prefix
    LINK_BASE_URL             = var.link_base_url
  }

  # One function per operation; each may do exactly what its operation needs.
  functions = {
    upload_image = {
      handler     = "image_service.handlers.upload_image.lambda_handler"
      description = "POST /v1/images: store an image and its metadata"
      statements = [
        # PutObjectTagging: an object the rollback cannot delete is tagged to expire (orphan_tag).
        # DeleteObjectVersion: a rolled-back upload's version is removed for good, not kept for recovery.
        { sid = "WriteImages", actions = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging"], resources = [local.images] },
        { sid = "AddMetadata", actions = ["dynamodb:PutItem"], resources = [module.table.table_arn] },
        {
          sid       = "RecordRetries"
          actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
          resources = [module.idempotency.table_arn]
        },
      ]
    }
    start_upload = {
      handler     = "image_service.handlers.start_upload.lambda_handler"
      description = "POST /v1/images/uploads: start a large upload (presigned POST to S3)"
      statements = [
        # The presigned POST is signed with this role: it may write staged uploads, nothing else.
        { sid = "SignStagedUploads", actions = ["s3:PutObject"], resources = [local.staged] },
        { sid = "RecordUploads", actions = ["dynamodb:PutItem"], resources = [module.uploads.table_arn] },
      ]
    }
    complete_upload = {
      handler     = "image_service.handlers.complete_upload.lambda_handler"
      description = "POST /v1/images/{image_id}/complete: verify a large upload and store it as an image"
      statements = [
        # Read the staged bytes (a version: what was verified is what is copied), then delete them.
        { sid = "ReadStagedUploads", actions = ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"], resources = [local.staged] },
        # The copy, and its rollback as in upload_image.
        { sid = "WriteImages", actions = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging"], resources = [local.images] },
        { sid = "AddMetadata", actions = ["dynamodb:GetItem", "dynamodb:PutItem"], resources = [module.table.table_arn] },
        { sid = "CloseUploads", actions = ["dynamodb:GetItem", "dynamodb:DeleteItem"], resources = [module.uploads.table_arn] },
      ]
    }
    list_images = {
      handler     = "image_service.handlers.list_images.lambda_handler"
      description = "GET /v1/images: list a user's images"
      statements = [
        { sid = "QueryByOwner", actions = ["dynamodb:Query"], resources = [module.table.by_owner_index_arn] },
      ]
    }
    get_image = {
      handler     = "image_service.handlers.get_image.lambda_handler"
      description = "GET /v1/images/{image_id}: return an image"
      statements = [
        { sid = "ReadImages", actions = ["s3:GetObject"], resources = [local.images] },
        # Resized variants are made on first request and served from S3 afterwards. Each is written
        # tagged to expire, then untagged once its image is confirmed, or removed if it was deleted.
        { sid = "CacheVariants", actions = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"], resources = [local.variants] },
        { sid = "KeepOrDropVariants", actions = ["s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"], resources = [local.variants] },
        { sid = "ReadMetadata", actions = ["dynamodb:GetItem"], resources = [module.table.table_arn] },
      ]
    }
    create_link = {
      handler     = "image_service.handlers.create_link.lambda_handler"
      description = "POST /v1/images/{image_id}/links: sign a share link"
      statements = [
        { sid = "ReadMetadata", actions = ["dynamodb:GetItem"], resources = [module.table.table_arn] },
        # The tenant's key state; its first link records version 1.
        { sid = "SigningKeyState", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources = [module.signing_keys.table_arn] },
        # The tenant's key material: read it, and create the tenant's secret on its first link.
        { sid = "SigningKeys", actions = ["secretsmanager:GetSecretValue", "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue"], resources = [local.signing_key_secrets] },
      ]
    }
    get_shared_image = {
      handler     = "image_service.handlers.get_shared_image.lambda_handler"
      description = "GET /v1/shared/{token}: serve a share link (no API key)"
      statements = [
        { sid = "ReadImages", actions = ["s3:GetObject"], resources = [local.images] },
        # A preset's variant is made on first request, as by get_image.
        { sid = "CacheVariants", actions = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"], resources = [local.variants] },
        { sid = "KeepOrDropVariants", actions = ["s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"], resources = [local.variants] },
        { sid = "ReadMetadata", actions = ["dynamodb:GetItem"], resources = [module.table.table_arn] },
        { sid = "ReadSigningKeyState", actions = ["dynamodb:GetItem"], resources = [module.signing_keys.table_arn] },
        { sid = "ReadSigningKeys", actions = ["secretsmanager:GetSecretValue"], resources = [local.signing_key_secrets] },
      ]
    }
    revoke_links = {
      handler     = "image_service.handlers.revoke_links.lambda_handler"
      description = "DELETE /v1/images/{image_id}/links: revoke an image's share links"
      statements = [
        { sid = "BumpLinkGeneration", actions = ["dynamodb:UpdateItem"], resources = [module.table.table_arn] },
      ]
    }
    list_signing_keys = {
      handler     = "image_service.handlers.list_signing_keys.lambda_handler"
      description = "GET /v1/signing-keys: list a tenant's signing-key versions"
      statements = [
        { sid = "ReadSigningKeyState", actions = ["dynamodb:GetItem"], resources = [module.signing_keys.table_arn] },
      ]
    }
    rotate_signing_key = {
      handler     = "image_service.handlers.rotate_signing_key.lambda_handler"
      description = "POST /v1/signing-keys: rotate a tenant's signing key"
      statements = [
        { sid = "SigningKeyState", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources = [module.signing_keys.table_arn] },
        # New key material: a new version of the tenant's secret (the secret itself on first use).
        { sid = "AddSigningKeys", actions = ["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue"], resources = [local.signing_key_secrets] },
      ]
    }
    revoke_signing_key = {
      handler     = "image_service.handlers.revoke_signing_key.lambda_handler"
      description = "DELETE /v1/signing-keys/{version}: revoke a signing-key version"
      statements = [
        { sid = "RevokeSigningKeys", actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources = [module.signing_keys.table_arn] },
      ]
    }
    update_image = {
      handler     = "image_service.handlers.update_image.lambda_handler"
      description = "PATCH /v1/images/{image_id}: edit an image's metadata"
      statements = [
        { sid = "EditMetadata", actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources = [module.table.table_arn] },
      ]
    }
    delete_image = {
      handler     = "image_service.handlers.delete_image.lambda_handler"
      description = "DELETE /v1/images/{image_id}: delete an image"
      statements = [
        # PutObjectTagging: bytes whose delete fails after the metadata went are tagged to expire.
        { sid = "DeleteImages", actions = ["s3:DeleteObject", "s3:PutObjectTagging"], resources = [local.images] },
        # An image's variants go with it: list its variants/ prefix, delete what is there.
        { sid = "DeleteVariants", actions = ["s3:DeleteObject"], resources = [local.variants] },
        {
          sid        = "ListVariants"
          actions    = ["s3:ListBucket"]
          resources  = [module.bucket.bucket_arn]
          conditions = [{ test = "StringLike", variable = "s3:prefix", values = ["variants/*"] }]
        },
        { sid = "DeleteMetadata", actions = ["dynamodb:DeleteItem"], resources = [module.table.table_arn] },
      ]
    }
  }
}

module "bucket" {
  source = "./modules/image_bucket"

  bucket_name   = local.bucket_name
  force_destroy = var.force_destroy_bucket
}

module "code" {
  source = "./modules/code_bucket"

  bucket_name  = "${var.name_prefix}-code-${data.aws_caller_identity.current.account_id}-${var.region}"
  package_path = local.package_path
  package_key  = "functions/${basename(local.package_path)}"
}

module "table" {
  source = "./modules/image_table"

  table_name = "${var.name_prefix}-images"
}

module "idempotency" {
  source = "./modules/expiring_table"

  table_name = "${var.name_prefix}-idempotency"
}

module "uploads" {
  source = "./modules/expiring_table"

  table_name = "${var.name_prefix}-uploads"
}

module "signing_keys" {
  source = "./modules/signing_key_table"

  table_name = "${var.name_prefix}-signing-keys"
}

module "function" {
  source   = "./modules/lambda_function"
  for_each = local.functions

  function_name        = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  description          = each.value.description
  package              = module.code.package
  package_hash         = filebase64sha256(local.package_path)
  architecture         = var.lambda_architecture
  handler              = each.value.handler
  environment          = local.environment
  memory_size          = var.lambda_memory_size
  reserved_concurrency = var.lambda_reserved_concurrency
  tracing_mode         = var.tracing_enabled ? "Active" : "PassThrough"
  log_retention_days   = var.log_retention_days
  policy_statements    = each.value.statements
}

module "api" {
  source = "./modules/rest_api"

  name              = var.name_prefix
  description       = "Image storage API"
  openapi_path      = "${path.root}/../openapi/api.yaml"
  stage_name        = var.stage_name
  cors_allow_origin = var.cors_allow_origin
  # A base for share links that depends on the API (a CDN in front of it) goes to the stage, not to
  # the functions (whose ARNs the API's body holds): no dependency cycle. With cdn_enabled, the
  # CDN's https://<cdn_domain_name> (a variable, so not even the stage waits for the distribution).
  link_base_url = var.cdn_enabled ? module.cdn[0].base_url : ""
  functions = {
    for name, function in module.function : name => {
      function_name = function.function_name
      invoke_arn    = function.invoke_arn
    }
  }
  api_keys             = var.api_keys
  throttle_rate_limit  = var.throttle_rate_limit
  throttle_burst_limit = var.throttle_burst_limit
  quota_per_day        = var.quota_per_day

  stage_throttle_rate_limit      = var.stage_throttle_rate_limit
  stage_throttle_burst_limit     = var.stage_throttle_burst_limit
  execution_logging_level        = var.api_execution_logging_level
  xray_tracing_enabled           = var.tracing_enabled
  log_retention_days             = var.log_retention_days
  manage_account_cloudwatch_role = var.manage_api_gateway_account_cloudwatch_role
}

# Optional (cdn_enabled): CloudFront in front of the share-link route. Its domain is a variable,
# not the distribution's output, so the functions can mint links on it without a cycle
# (API -> functions -> distribution -> API).
module "cdn" {
  source = "./modules/cdn"
  count  = var.cdn_enabled ? 1 : 0

  name               = var.name_prefix
  origin_domain_name = "${module.api.api_id}.execute-api.${var.region}.amazonaws.com"
  origin_path        = "/${module.api.stage_name}"
  domain_name        = var.cdn_domain_name
  certificate_arn    = var.cdn_certificate_arn
  route53_zone_id    = var.cdn_route53_zone_id
  max_ttl_seconds    = var.cdn_max_ttl_seconds
  price_class        = var.cdn_price_class
  log_bucket_name    = "${var.name_prefix}-cdn-logs-${data.aws_caller_identity.current.account_id}"
  log_retention_days = var.log_retention_days
  force_destroy_logs = var.force_destroy_bucket
}
