# Terraform and provider versions the pack needs (metric filter dimensions
# came with hashicorp/aws 3.x).

terraform {
  required_version = ">= 1.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0"
    }
  }
}
