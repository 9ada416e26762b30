variable "bucket_name" {
  type        = string
  description = "Name of the code bucket (global: the root adds account and region)."
}

variable "package_path" {
  type        = string
  description = "Path of the deployment zip built by `nox -s build`."
}

variable "package_key" {
  type        = string
  description = "Object key of the zip in the bucket."
}

variable "noncurrent_version_retention_days" {
  type        = number
  description = "Days a replaced zip stays (for a rollback) before it is deleted."
  default     = 7

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number of days, at least 1."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for the bucket and the object."
  default     = {}
}
