variable "name" {
  type        = string
  description = "Prefix of the module's resource names (cache and response headers policies, function, comment)."
}

variable "origin_domain_name" {
  type        = string
  description = "Host name of the REST API's regional endpoint: <api id>.execute-api.<region>.amazonaws.com."
}

variable "origin_path" {
  type        = string
  description = "Path prefix CloudFront puts before the viewer's path towards the origin: the stage, e.g. /api."

  validation {
    condition     = can(regex("^/[A-Za-z0-9_-]+$", var.origin_path))
    error_message = "origin_path must be / followed by the stage name, e.g. /api."
  }
}

variable "path_pattern" {
  type        = string
  description = "The viewer paths served from the API, cached by path: the share-link route. Every other path is answered 404 at the edge."
  default     = "/v1/shared/*"
}

variable "domain_name" {
  type        = string
  description = "The distribution's own domain (alias), e.g. images.example.com: share links are minted on https://<domain_name>. A custom domain is what lets the viewer TLS policy be TLSv1.2_2021 (CloudFront's default *.cloudfront.net certificate is held at TLSv1 whatever is set)."
}

variable "certificate_arn" {
  type        = string
  description = "ARN of an ACM certificate in us-east-1 (CloudFront reads certificates there only) that covers domain_name."
}

variable "max_ttl_seconds" {
  type        = number
  description = "Longest time an edge keeps a share link's answer, whatever the origin's Cache-Control says (which is never longer than the link's remaining life). It bounds how long a revoked key, a killed link or a deleted image can still be served from the edge."
}

variable "price_class" {
  type        = string
  description = "Edge locations used: PriceClass_100 (North America, Europe, Israel; the cheapest), PriceClass_200 or PriceClass_All."
}

variable "web_acl_id" {
  type        = string
  description = "ARN of an AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) to attach, or null for none (README.md: why none by default)."
  default     = null
}

variable "log_bucket_name" {
  type        = string
  description = "Name of the bucket the module creates for the distribution's standard access logs (globally unique)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_name))
    error_message = "log_bucket_name must be a valid S3 bucket name."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the access logs are kept before the bucket's lifecycle rule deletes them."
}

variable "force_destroy_logs" {
  type        = bool
  description = "Let `terraform destroy` delete the log bucket with its logs."
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 hosted zone of domain_name, or null: when given, the module creates its A and AAAA alias records; null when DNS is managed elsewhere (point a CNAME at the distribution_domain_name output)."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource of the module."
  default     = {}
}
