variable "name" {
  type        = string
  description = "Name of the REST API; prefixes the key and usage plan names."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits, '-' and '_'."
  }
}

variable "description" {
  type        = string
  description = "Description of the REST API."
  default     = ""
}

variable "openapi_path" {
  type        = string
  description = "Path of the OpenAPI 3.0 document; rendered with templatefile() and imported as the API body."
}

variable "functions" {
  type = map(object({
    function_name = string
    invoke_arn    = string
  }))
  description = "Lambda functions behind the API, by the name their `$${<name>_uri}` placeholder uses in the document."
}

variable "cors_allow_origin" {
  type        = string
  description = "The one browser origin (scheme://host[:port]) allowed to call the API; fills `$${cors_allow_origin}` in the document."

  validation {
    condition     = can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", var.cors_allow_origin))
    error_message = "cors_allow_origin must be an origin such as https://app.example.com or http://localhost:8080, without a path."
  }
}

variable "stage_name" {
  type        = string
  description = "Name of the stage serving the API."
  default     = "api"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of letters, digits, '-' and '_'."
  }
}

variable "api_keys" {
  type = map(object({
    description = optional(string, "")
    enabled     = optional(bool, true)
  }))
  description = "API keys to create, by name; API Gateway generates each value. Every key joins the usage plan."

  validation {
    condition     = length(var.api_keys) > 0
    error_message = "at least one API key is needed: every route requires one."
  }
}

variable "throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second allowed per key."
  default     = 100

  validation {
    condition     = var.throttle_rate_limit > 0
    error_message = "throttle_rate_limit must be positive."
  }
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst of requests allowed per key."
  default     = 200

  validation {
    condition     = var.throttle_burst_limit > 0
    error_message = "throttle_burst_limit must be positive."
  }
}

variable "quota_per_day" {
  type        = number
  description = "Requests per key per day; null for no quota."
  default     = null

  validation {
    condition     = var.quota_per_day == null || try(var.quota_per_day > 0, false)
    error_message = "quota_per_day must be null or positive."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource of the module."
  default     = {}
}

variable "stage_throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second the stage accepts from all keys together (method settings for */*); bounds the load, and so the Lambda concurrency, however many keys exist."
  default     = 500

  validation {
    condition     = var.stage_throttle_rate_limit > 0
    error_message = "stage_throttle_rate_limit must be positive."
  }
}

variable "stage_throttle_burst_limit" {
  type        = number
  description = "Burst of requests the stage accepts from all keys together."
  default     = 1000

  validation {
    condition     = var.stage_throttle_burst_limit > 0 && var.stage_throttle_burst_limit == floor(var.stage_throttle_burst_limit)
    error_message = "stage_throttle_burst_limit must be a positive whole number."
  }
}

variable "execution_logging_level" {
  type        = string
  description = "API Gateway execution logging for every method: \"ERROR\" (default) logs failed requests only, \"INFO\" every request's steps, \"OFF\" none. Anything but OFF needs the account's CloudWatch role (manage_account_cloudwatch_role, or one the account already has)."
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "detailed_metrics_enabled" {
  type        = bool
  description = "Per-method CloudWatch metrics (billed as custom metrics, only in hours with traffic); the API-level metrics are always on."
  default     = true
}

variable "xray_tracing_enabled" {
  type        = bool
  description = "X-Ray tracing of requests through the stage."
  default     = true
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the stage's access and execution logs."
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "manage_account_cloudwatch_role" {
  type        = bool
  description = "Create the role API Gateway writes CloudWatch logs with and set it on the account (aws_api_gateway_account). That setting is one per account and region, shared by every REST API there: set false when the account already has one that something else manages."
  default     = true
}

variable "link_base_url" {
  type        = string
  description = "Base URL of share links, set as the stage variable `linkBaseUrl` (functions read it first): for a URL that depends on the API, such as a CDN's in front of the share-link route, which the functions' environment cannot hold without a dependency cycle. Empty: no stage variable."
  default     = ""

  validation {
    # What API Gateway accepts in a stage variable's value.
    condition     = can(regex("^[A-Za-z0-9 ._~:/?#&=,-]*$", var.link_base_url))
    error_message = "link_base_url may hold only letters, digits and ' ', '-', '.', '_', '~', ':', '/', '?', '#', '&', '=', ',' (API Gateway's stage variable characters)."
  }
}
