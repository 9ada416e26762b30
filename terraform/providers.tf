# Plain AWS provider: on AWS it uses the usual credential chain. On an emulator, `tflocal`
# (terraform-local) adds an override file pointing every endpoint at it; nothing here changes.
provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name_prefix, ManagedBy = "terraform" }, var.tags)
  }
}

# State: local by default (terraform.tfstate here; `nox -s deploy` passes
# -backend-config=path=.build/terraform/emulator.tfstate so the emulator stack never mixes
# with an AWS one). For a shared AWS deployment, replace the local backend with S3 + locking:
terraform {
  backend "local" {}
}

# terraform {
#   backend "s3" {
#     bucket         = "my-terraform-state"
#     key            = "image-service/terraform.tfstate"
#     region         = "us-east-1"
#     dynamodb_table = "terraform-locks"
#     encrypt        = true
#   }
# }
