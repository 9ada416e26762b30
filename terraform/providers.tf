# Plain AWS provider: on AWS it uses the usual credential chain. On an emulator, `tflocal`
# (terraform-local) adds an override file pointing every endpoint at it; nothing here changes.
provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name_prefix, ManagedBy = "terraform" }, var.tags)
  }
}

# Remote state for a shared AWS deployment (uncomment, create the bucket and table first):
# terraform {
#   backend "s3" {
#     bucket         = "my-terraform-state"
#     key            = "image-service/terraform.tfstate"
#     region         = "us-east-1"
#     dynamodb_table = "terraform-locks"
#     encrypt        = true
#   }
# }
