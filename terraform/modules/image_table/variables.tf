variable "table_name" {
  type        = string
  description = "Name of the DynamoDB table holding image metadata."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "by_owner_index_name" {
  type        = string
  description = "Name of the global secondary index on (owner, created_at) used for listings; owner is \"<API key id>#<user_id>\"."
  default     = "by_owner"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.by_owner_index_name))
    error_message = "by_owner_index_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "point_in_time_recovery" {
  type        = bool
  description = "Keep 35 days of continuous backups."
  default     = true
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the table (turn on in production)."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the table."
  default     = {}
}
