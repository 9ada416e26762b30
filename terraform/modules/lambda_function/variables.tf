variable "function_name" {
  type        = string
  description = "Name of the Lambda function (also names its role and log group)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,59}$", var.function_name))
    error_message = "function_name must be 1-59 characters of letters, digits, '-' and '_' (the role name adds 5)."
  }
}

variable "description" {
  type        = string
  description = "What the function does."
  default     = ""
}

variable "package" {
  type = object({
    bucket     = string
    key        = string
    version_id = string
  })
  description = "The deployment zip in S3 (modules/code_bucket's `package`): bucket, key, object version."
}

variable "package_hash" {
  type        = string
  description = "Base64 SHA-256 of the zip (what Lambda reports as CodeSha256), so a plan shows a code change."
}

variable "architecture" {
  type        = string
  description = "x86_64 or arm64: the architecture the zip's compiled wheels were built for."
}

variable "handler" {
  type        = string
  description = "Entry point, as module.function inside the zip."

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must look like package.module.function."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of the function."
  default     = {}
}

variable "memory_size" {
  type        = number
  description = "Memory in MB (CPU scales with it)."
}

variable "timeout" {
  type        = number
  description = "Timeout in seconds; under API Gateway's 29 s integration limit."
  default     = 15

  validation {
    condition     = var.timeout >= 1 && var.timeout < 29
    error_message = "timeout must be between 1 and 28 seconds (API Gateway gives up at 29 s)."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions; -1 leaves the function on the unreserved account pool. AWS refuses a reservation that leaves fewer than 10 unreserved executions in the account."
}

variable "policy_statements" {
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  description = "What the function may do beyond writing its logs: explicit actions on explicit ARNs, optionally narrowed by IAM conditions."

  validation {
    condition     = alltrue([for s in var.policy_statements : !contains(s.resources, "*") && !contains(s.actions, "*")])
    error_message = "policy_statements must name actions and resources; wildcards alone are not least privilege."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the function's logs."
}

variable "tracing_mode" {
  type        = string
  description = "X-Ray tracing: \"Active\" samples and traces invocations (the role may then write traces), \"PassThrough\" only follows an upstream sampling decision."

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be \"Active\" or \"PassThrough\"."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every resource of the module."
  default     = {}
}
