variable "table_name" {
  type        = string
  description = "Name of the table."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "point_in_time_recovery" {
  type        = bool
  description = "Keep 35 days of continuous backups: a lost item would break every link of its tenant."
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
