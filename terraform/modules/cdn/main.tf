# CloudFront in front of the share-link route only (/v1/shared/*): each link is cached at the
# edge by its path (the token), for as long as the origin's Cache-Control allows (never past the
# link's expiry) and at most max_ttl_seconds. Nothing a viewer sends reaches the API but the path:
# no query string, no cookie, no header (an x-api-key sent to the distribution is dropped).
locals {
  origin_id = "rest-api"
}

# The cache key is the path (the token) and the viewer's Accept class: the accept_class function
# turns Accept into one of three values first, so a link negotiated by format=auto is kept at most
# three times (AVIF, WebP, neither), never once per browser's raw header. min and default TTL 0: an answer is cached only when the
# origin says so (Cache-Control: public, max-age <= the link's remaining seconds); errors and
# answers without Cache-Control are not kept.
resource "aws_cloudfront_cache_policy" "this" {
  name        = "${var.name}-shared-links"
  comment     = "Share links: keyed on the path (the token); the origin's Cache-Control decides, up to max_ttl."
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = var.max_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    # Image bytes are already compressed; an Accept-Encoding in the key would only split the cache.
    enable_accept_encoding_brotli = false
    enable_accept_encoding_gzip   = false

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["Accept"]
      }
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

# What the browser is told on top of the origin's headers: HSTS and nosniff. The origin's own
# CORS and Cross-Origin-Resource-Policy headers pass through unchanged.
resource "aws_cloudfront_response_headers_policy" "this" {
  #checkov:skip=CKV_AWS_259:HSTS is sent for a year with includeSubDomains, but without preload: preloading is a commitment for the whole registrable domain (the preload list takes apex domains), which belongs to the stack's owner, not to this module.
  name    = "${var.name}-shared-links"
  comment = "HSTS and nosniff on share-link answers."

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = false
      override                   = true
    }
    content_type_options {
      override = true
    }
    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
  }
}

resource "aws_cloudfront_function" "not_found" {
  name    = "${var.name}-not-found"
  runtime = "cloudfront-js-2.0"
  comment = "Answers 404 for every path but the share-link route."
  publish = true
  code    = file("${path.module}/not_found.js")
}

# Viewer requests to share links: Accept normalised to its class (the rule of
# functions/image_service/negotiation.py; tests/contract compares the two on the same headers).
resource "aws_cloudfront_function" "accept_class" {
  name    = "${var.name}-accept-class"
  runtime = "cloudfront-js-2.0"
  comment = "Share links: Accept becomes image/avif,*/* | image/webp,*/* | */* (the cache key's class)."
  publish = true
  code    = file("${path.module}/accept_class.js")
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:No WAF by default: the only route served is GET of signed, expiring links, a forged or unknown token costs one Lambda invocation that answers 404, and the stage throttle bounds how many reach the API; a web ACL adds a monthly fee per ACL and rule plus a fee per request. Attach one with web_acl_id when abuse shows.
  #checkov:skip=CKV2_AWS_47:No WAF by default (see CKV_AWS_68 above), so no AWSManagedRulesKnownBadInputsRuleSet either; the origin is a Python function that parses only the path token, not Java (Log4j), and web_acl_id can attach an ACL with that rule.
  #checkov:skip=CKV_AWS_374:Share links are made to be opened wherever their owner sends them; refusing countries is a business decision for the owner of the stack, not a default of an image service.
  #checkov:skip=CKV_AWS_310:One origin only: the stack deploys one regional REST API, and an origin group needs a second API in another region to fail over to, which the stack does not have.
  #checkov:skip=CKV2_AWS_46:The origin is the REST API (a custom origin), not S3; the one bucket connected to the distribution is its access-log destination, which origin access control does not apply to.
  #checkov:skip=CKV_AWS_305:There is no root object: the distribution serves share links only, and every other path, / included, is answered 404 at the edge by the not_found function.
  enabled             = true
  comment             = "${var.name}: share links (${var.path_pattern}) cached by token"
  aliases             = [var.domain_name]
  price_class         = var.price_class
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  web_acl_id          = var.web_acl_id
  wait_for_deployment = false
  tags                = var.tags

  origin {
    origin_id   = local.origin_id
    domain_name = var.origin_domain_name
    origin_path = var.origin_path

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_read_timeout      = 30
      origin_keepalive_timeout = 5
    }

    # API Gateway returns the function's bytes as binary only when the request's first Accept
    # type matches its binary media types (*/*, which every type matches): the one header
    # forwarded is the Accept class, never empty (accept_class.js), so every fetch gets bytes.
  }

  # The share-link route: GET and HEAD only, cached by path, HTTPS only for viewers.
  ordered_cache_behavior {
    path_pattern               = var.path_pattern
    target_origin_id           = local.origin_id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = false
    cache_policy_id            = aws_cloudfront_cache_policy.this.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.accept_class.arn
    }
  }

  # Everything else: answered 404 at the edge by the function, before any cache or origin.
  default_cache_behavior {
    target_origin_id           = local.origin_id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = false
    cache_policy_id            = aws_cloudfront_cache_policy.this.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.not_found.arn
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = false
    acm_certificate_arn            = var.certificate_arn
    ssl_support_method             = "sni-only"
    minimum_protocol_version       = "TLSv1.2_2021"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # Standard access logs: one line per viewer request (time, edge, client IP, status, bytes,
  # path with the token, result type Hit/Miss) in the log bucket. Cookies are never logged.
  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  depends_on = [aws_s3_bucket_ownership_controls.logs]

  lifecycle {
    precondition {
      condition     = var.domain_name != null && var.certificate_arn != null
      error_message = "cdn_enabled needs cdn_domain_name and cdn_certificate_arn: the distribution's own domain and its ACM certificate in us-east-1 (terraform/modules/cdn/README.md)."
    }
  }
}

# The access-log bucket. CloudFront's standard logging writes through the bucket's ACL (the
# awslogsdelivery account is granted access when the distribution is created), so ACLs stay
# enabled here (BucketOwnerPreferred), unlike the image bucket.
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:This bucket is itself the access-log destination; logging its own reads would need another bucket, unlogged in turn, and only the account's operators read it.
  #checkov:skip=CKV_AWS_144:Access logs are operational data kept for log_retention_days; replicating them to a second region doubles their cost for no recovery need.
  #checkov:skip=CKV_AWS_145:SSE-S3 encrypts every log object at rest; CloudFront's standard logging cannot write to a bucket whose default encryption is SSE-KMS without a key policy for the delivery service, which adds a key to run for no requirement.
  #checkov:skip=CKV2_AWS_62:Nothing consumes the log objects as they arrive; they are read on demand (Athena, the console), so event notifications would have no subscriber.
  #checkov:skip=CKV_AWS_21:Log objects are written once by CloudFront and deleted by the lifecycle rule; versioning would only keep every expired log as a noncurrent version.
  bucket        = var.log_bucket_name
  force_destroy = var.force_destroy_logs
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  #checkov:skip=CKV2_AWS_65:CloudFront standard logging delivers through the bucket ACL (the awslogsdelivery account's grant), so ACLs must stay enabled; public ACLs are still blocked and ignored by the public access block.
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.log_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Only TLS reaches the logs.
data "aws_iam_policy_document" "logs_tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs_tls_only.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# DNS, when the zone is in Route 53: the domain points at the distribution (IPv4 and IPv6).
resource "aws_route53_record" "alias" {
  for_each = var.route53_zone_id == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}
