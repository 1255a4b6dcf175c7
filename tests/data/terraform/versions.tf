# A monitoring repository as teams write one: this root module calls the
# local cloudtrail-alarms module twice, and adds rules of its own.
terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}
