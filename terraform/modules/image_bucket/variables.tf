variable "bucket_name" {
  type        = string
  description = "Globally unique name of the bucket that holds image bytes."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow `terraform destroy` to delete a bucket that still holds images (keep false in production)."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the bucket."
  default     = {}
}

variable "noncurrent_version_retention_days" {
  type        = number
  description = "Days a deleted or overwritten image stays recoverable as a noncurrent version; the default matches DynamoDB point-in-time recovery (35 days), so a restored table finds the bytes its items name."
  default     = 35

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days == floor(var.noncurrent_version_retention_days)
    error_message = "noncurrent_version_retention_days must be a whole number of days, at least 1."
  }
}

variable "orphan_tag" {
  type = object({
    key   = string
    value = string
  })
  description = "Object tag the upload function puts on an object it could not roll back; a lifecycle rule expires tagged objects after a day. The same pair is ORPHAN_TAG in functions/image_service/contract.py (a unit test compares them)."
  default = {
    key   = "image-service:orphan"
    value = "true"
  }

  validation {
    condition     = length(var.orphan_tag.key) >= 1 && length(var.orphan_tag.key) <= 128 && length(var.orphan_tag.value) <= 256 && !startswith(lower(var.orphan_tag.key), "aws:")
    error_message = "orphan_tag.key must be 1-128 characters not starting with \"aws:\", and orphan_tag.value at most 256 characters (S3 object tag limits)."
  }
}

variable "staging_prefix" {
  type        = string
  description = "Key prefix where large uploads wait for their completion (STAGING_PREFIX in functions/image_service/contract.py; a unit test compares them). Whatever is left there expires after staging_expiration_days."
  default     = "uploads/"

  validation {
    condition     = can(regex("^[a-z0-9-]+/$", var.staging_prefix))
    error_message = "staging_prefix must be lowercase letters, digits and '-', ending with '/'."
  }
}

variable "staging_expiration_days" {
  type        = number
  description = "Days an uncompleted upload's bytes stay under staging_prefix (uploads expire within an hour; S3 lifecycle counts in days)."
  default     = 1

  validation {
    condition     = var.staging_expiration_days >= 1 && var.staging_expiration_days == floor(var.staging_expiration_days)
    error_message = "staging_expiration_days must be a whole number of days, at least 1."
  }
}

variable "variants_prefix" {
  type        = string
  description = "Key prefix of resized variants (variants_prefix in functions/image_service/variants.py; a unit test compares them). Variants are a cache of their image: made on request, deleted with it, expired after variant_expiration_days and made again on the next request."
  default     = "variants/"

  validation {
    condition     = can(regex("^[a-z0-9-]+/$", var.variants_prefix))
    error_message = "variants_prefix must be lowercase letters, digits and '-', ending with '/'."
  }
}

variable "variant_expiration_days" {
  type        = number
  description = "Days a variant is kept before it expires (the next request makes it again): the bound on any variant left behind by a delete whose sweep failed. A variant made during its image's delete is removed by the function that made it, or expires after a day (orphan tag)."
  default     = 30

  validation {
    condition     = var.variant_expiration_days >= 1 && var.variant_expiration_days == floor(var.variant_expiration_days)
    error_message = "variant_expiration_days must be a whole number of days, at least 1."
  }
}
