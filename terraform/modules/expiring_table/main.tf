# Short-lived records (idempotency, pending uploads): key `id`, expired by TTL on `expiration`.
resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key (aws/dynamodb); records hold request hashes and image metadata for a day at most, which does not justify a customer-managed key's cost and key policy.
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  # The record's expiry (epoch seconds); DynamoDB deletes it some time after.
  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}
