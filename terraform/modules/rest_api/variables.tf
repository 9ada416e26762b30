variable "name" {
  type        = string
  description = "Name of the REST API; prefixes the key and usage plan names."
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
}

variable "stage_name" {
  type        = string
  description = "Name of the stage serving the API."
}

variable "api_keys" {
  type = map(object({
    description = optional(string, "")
    enabled     = optional(bool, true)
  }))
  description = "API keys to create, by name; API Gateway generates each value. Every key joins the usage plan."
}

variable "throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second allowed per key."
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst of requests allowed per key."
}

variable "quota_per_day" {
  type        = number
  description = "Requests per key per day; null for no quota."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource of the module."
  default     = {}
}

variable "stage_throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second the stage accepts from all keys together (method settings for */*); bounds the load, and so the Lambda concurrency, however many keys exist."
}

variable "stage_throttle_burst_limit" {
  type        = number
  description = "Burst of requests the stage accepts from all keys together."
}

variable "execution_logging_level" {
  type        = string
  description = "API Gateway execution logging for every method: \"ERROR\" logs failed requests only, \"INFO\" every request's steps, \"OFF\" none. Anything but OFF needs the account's CloudWatch role (manage_account_cloudwatch_role, or one the account already has)."
}

variable "detailed_metrics_enabled" {
  type        = bool
  description = "Per-method CloudWatch metrics (billed as custom metrics, only in hours with traffic); the API-level metrics are always on."
  default     = true
}

variable "xray_tracing_enabled" {
  type        = bool
  description = "X-Ray tracing of requests through the stage."
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the stage's access and execution logs."
}

variable "manage_account_cloudwatch_role" {
  type        = bool
  description = "Create the role API Gateway writes CloudWatch logs with and set it on the account (aws_api_gateway_account). That setting is one per account and region, shared by every REST API there: set false when the account already has one that something else manages."
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
