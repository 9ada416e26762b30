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
  description = "Path of the Lambda zip; null means the one `nox -s build` writes for lambda_architecture (.build/lambda/image-service-<architecture>.zip)."
  default     = null
}

variable "lambda_architecture" {
  type        = string
  description = "Instruction set of the functions: x86_64, or arm64 (Graviton, duration billed about 20% lower). Build the zip for it first: `nox -s build -- --architecture arm64`. The emulator executes the host's architecture only."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "stage_name" {
  type        = string
  description = "API Gateway stage name; URLs are <invoke URL>/v1/images."
  default     = "api"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of letters, digits, '-' and '_'."
  }
}

variable "cors_allow_origin" {
  type        = string
  description = "The browser origin allowed to call the API (CORS), e.g. where Swagger UI is served. `./noxw -s docs` serves it on http://localhost:8080."
  default     = "http://localhost:8080"

  validation {
    condition     = can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", var.cors_allow_origin))
    error_message = "cors_allow_origin must be an origin such as https://app.example.com or http://localhost:8080, without a path."
  }
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

  validation {
    condition     = var.throttle_rate_limit > 0
    error_message = "throttle_rate_limit must be positive."
  }
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst of requests per API key."
  default     = 200

  validation {
    condition     = var.throttle_burst_limit > 0
    error_message = "throttle_burst_limit must be positive."
  }
}

variable "quota_per_day" {
  type        = number
  description = "Requests per API key per day; null for no quota."
  default     = null

  validation {
    condition     = var.quota_per_day == null || try(var.quota_per_day > 0, false)
    error_message = "quota_per_day must be null or positive."
  }
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of each function in MB; at least the 512 the image cost model assumes (FUNCTION_MEMORY_MB in functions/image_service/contract.py: what an image may take to decode and resize is sized from it)."
  default     = 512

  validation {
    condition     = var.lambda_memory_size >= 512 && var.lambda_memory_size <= 10240
    error_message = "lambda_memory_size must be from 512 (the image cost model's FUNCTION_MEMORY_MB) to 10240 MB."
  }
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

variable "lambda_reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions of each function; -1 (default) leaves them on the account's unreserved pool. Reserving is opt-in because AWS refuses reservations that leave fewer than 10 unreserved executions, and a new account's limit may be just 10; the stage and usage-plan throttles bound the load either way."
  default     = -1

  validation {
    condition     = var.lambda_reserved_concurrency >= -1 && var.lambda_reserved_concurrency == floor(var.lambda_reserved_concurrency)
    error_message = "lambda_reserved_concurrency must be -1 (unreserved) or a whole number of executions."
  }
}

variable "stage_throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second the API stage accepts from all keys together (per-key limits are throttle_rate_limit)."
  default     = 500

  validation {
    condition     = var.stage_throttle_rate_limit > 0
    error_message = "stage_throttle_rate_limit must be positive."
  }
}

variable "stage_throttle_burst_limit" {
  type        = number
  description = "Burst of requests the API stage accepts from all keys together."
  default     = 1000

  validation {
    condition     = var.stage_throttle_burst_limit > 0 && var.stage_throttle_burst_limit == floor(var.stage_throttle_burst_limit)
    error_message = "stage_throttle_burst_limit must be a positive whole number."
  }
}

variable "api_execution_logging_level" {
  type        = string
  description = "API Gateway execution logs: ERROR (failed requests), INFO (every request) or OFF. Needs the account's API Gateway CloudWatch role: see manage_api_gateway_account_cloudwatch_role."
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.api_execution_logging_level)
    error_message = "api_execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "manage_api_gateway_account_cloudwatch_role" {
  type        = bool
  description = "Create the role API Gateway writes logs with and set it on the account. That setting is one per account and region, shared by every REST API there: set false if the account already has one that something else manages (terraform/modules/rest_api/README.md)."
  default     = true
}

variable "tracing_enabled" {
  type        = bool
  description = "X-Ray tracing of the API stage and of the functions (Active mode)."
  default     = true
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep the functions' logs and the API's access and execution logs."
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "strip_original_metadata" {
  type        = bool
  description = "Remove embedded metadata (EXIF with GPS and camera, XMP, IPTC, comments, PNG text) from originals on upload, losslessly, keeping the EXIF orientation. Off: originals are stored byte for byte as uploaded. Resized variants never carry metadata either way."
  default     = false
}

variable "image_presets" {
  type = map(object({
    width  = optional(number)
    height = optional(number)
    fit    = optional(string, "contain")
    format = optional(string)
  }))
  description = "Named variants, served by `GET /v1/images/{id}?preset=<name>` and by share links: a box (width and/or height, 1 to 2048 like any variant: MAX_VARIANT_SIDE of the image cost model in functions/image_service/contract.py), a fit (contain, cover, fill) and a format (jpeg, png, webp, avif, or auto: negotiated from each request's Accept; absent: the original's). The functions validate the same rules when they start."
  default = {
    thumb  = { width = 128, height = 128, fit = "cover", format = "webp" }
    small  = { width = 320, fit = "contain", format = "webp" }
    medium = { width = 800, fit = "contain", format = "webp" }
    large  = { width = 1600, fit = "contain", format = "webp" }
  }

  validation {
    condition     = length(var.image_presets) > 0 && alltrue([for name in keys(var.image_presets) : can(regex("^[a-z0-9][a-z0-9_-]{0,31}$", name))])
    error_message = "image_presets must hold at least one preset, each named by 1-32 lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }

  validation {
    condition = alltrue(flatten([for preset in values(var.image_presets) : [
      for side in [preset.width, preset.height] : side == null ? true : (side >= 1 && side <= 2048 && side == floor(side))
    ]]))
    error_message = "Every preset's width and height must be a whole number from 1 to 2048 (the image cost model's MAX_VARIANT_SIDE), or absent."
  }

  validation {
    condition     = alltrue([for preset in values(var.image_presets) : contains(["contain", "cover", "fill"], preset.fit) && (preset.format == null ? true : contains(["jpeg", "png", "webp", "avif", "auto"], preset.format))])
    error_message = "Every preset's fit must be contain, cover or fill, and its format jpeg, png, webp, avif or auto (or absent: the original's)."
  }

  validation {
    condition     = alltrue([for preset in values(var.image_presets) : preset.width != null || preset.height != null || preset.format != null])
    error_message = "Every preset must name a width, a height or a format."
  }
}

variable "allow_arbitrary_variants" {
  type        = bool
  description = "Whether `GET /v1/images/{id}` makes free-form variants (width, height, fit, format) besides the named presets. Recommended false in production: each distinct free-form request decodes the original and stores one more variant, so any key holder can make the functions do as much image work, and the bucket store as many copies, as they have requests; with presets only, each image has at most one variant per preset."
  default     = true
}

variable "cdn_enabled" {
  type        = bool
  description = "Put CloudFront in front of the share-link route (/v1/shared/*), cached by token, on the domain cdn_domain_name; share links are then minted on https://<cdn_domain_name>. AWS only: the emulator's CloudFront neither caches nor reaches API Gateway (terraform/modules/cdn/README.md)."
  default     = false
}

variable "cdn_domain_name" {
  type        = string
  description = "With cdn_enabled: the distribution's domain, e.g. images.example.com (its own TLS certificate is what allows the TLSv1.2_2021 viewer policy)."
  default     = null

  validation {
    condition     = var.cdn_domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.cdn_domain_name))
    error_message = "cdn_domain_name must be a lowercase DNS name such as images.example.com."
  }
}

variable "cdn_certificate_arn" {
  type        = string
  description = "With cdn_enabled: ARN of an ACM certificate in us-east-1 covering cdn_domain_name."
  default     = null

  validation {
    condition     = var.cdn_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[A-Za-z0-9-]+$", var.cdn_certificate_arn))
    error_message = "cdn_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates there only)."
  }
}

variable "cdn_route53_zone_id" {
  type        = string
  description = "With cdn_enabled: the Route 53 hosted zone of cdn_domain_name, to create its alias records; null when DNS is managed elsewhere (point a CNAME at the cdn_distribution_domain_name output)."
  default     = null

  validation {
    condition     = var.cdn_route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,32}$", var.cdn_route53_zone_id))
    error_message = "cdn_route53_zone_id must be a Route 53 hosted zone id (Z...), or null."
  }
}

variable "cdn_max_ttl_seconds" {
  type        = number
  description = "With cdn_enabled: longest time an edge keeps a share link's answer (the origin's Cache-Control, bounded by the link's expiry, decides below it). It is how long a revoked or deleted link may still be served from the edge, unless invalidated."
  default     = 300

  validation {
    condition     = var.cdn_max_ttl_seconds >= 0 && var.cdn_max_ttl_seconds <= 604800 && var.cdn_max_ttl_seconds == floor(var.cdn_max_ttl_seconds)
    error_message = "cdn_max_ttl_seconds must be whole seconds from 0 to 604800 (7 days, the longest link)."
  }
}

variable "cdn_price_class" {
  type        = string
  description = "With cdn_enabled: CloudFront price class (PriceClass_100, PriceClass_200 or PriceClass_All)."
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cdn_price_class)
    error_message = "cdn_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "link_base_url" {
  type        = string
  description = "Base URL of share links (`<base>/v1/shared/<token>`), when not the one a request came through. Empty (default): https://<the request's domain><stage or base path>, as API Gateway reports them (the execute-api URL, or a custom domain). `{host}`, `{api_id}` and `{stage}` are replaced per request by its Host header, the API id and the stage: the emulator stack's URLs (http://{host}/restapis/{api_id}/{stage}/_user_request_) need them."

  default = ""

  validation {
    condition     = var.link_base_url == "" || can(regex("^https?://[^\\s]+[^/]$", var.link_base_url))
    error_message = "link_base_url must be empty or an http(s) URL without a trailing slash."
  }
}
