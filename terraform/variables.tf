variable "region" {
  type        = string
  description = "AWS region to deploy to."
  default     = "us-east-1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name; lets several stacks share an account."
  default     = "image-service"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 characters of lowercase letters, digits and '-', starting with a letter."
  }
}

variable "function_package" {
  type        = string
  description = "Path of the Lambda zip; null means the one `nox -s build` writes (.build/lambda/image-service.zip)."
  default     = null
}

variable "stage_name" {
  type        = string
  description = "API Gateway stage name; URLs are <invoke URL>/v1/images."
  default     = "api"
}

variable "cors_allow_origin" {
  type        = string
  description = "The browser origin allowed to call the API (CORS), e.g. where Swagger UI is served. `./noxw -s docs` serves it on http://localhost:8080."
  default     = "http://localhost:8080"
}

variable "api_keys" {
  type = map(object({
    description = optional(string, "")
    enabled     = optional(bool, true)
  }))
  description = "API keys by name; output `api_key` is the value of the key named `default`."
  default = {
    default = { description = "Default key created by Terraform" }
  }

  validation {
    condition     = contains(keys(var.api_keys), "default")
    error_message = "api_keys must contain a key named \"default\"."
  }
}

variable "throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second per API key."
  default     = 100
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst of requests per API key."
  default     = 200
}

variable "quota_per_day" {
  type        = number
  description = "Requests per API key per day; null for no quota."
  default     = null
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of each function in MB."
  default     = 512
}

variable "force_destroy_bucket" {
  type        = bool
  description = "Let `terraform destroy` delete the bucket with its images (true for throwaway stacks only)."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Extra tags on every resource."
  default     = {}
}
