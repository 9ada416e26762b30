# Share-link signing-key state: one item per tenant (API key id), its key versions and which are
# revoked. The key material itself is in Secrets Manager (one secret per tenant), never here.
resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key (aws/dynamodb); the items hold version numbers, timestamps and Secrets Manager version ids, no key material, which does not justify a customer-managed key's cost and key policy.
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenant_id"

  attribute {
    name = "tenant_id"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  deletion_protection_enabled = var.deletion_protection
  tags                        = var.tags
}
