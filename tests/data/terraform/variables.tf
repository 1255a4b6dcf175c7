variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  description = "Set in terraform.tfvars"
  type        = string
}

variable "team" {
  type    = string
  default = "platform"
}

variable "namespace" {
  type    = string
  default = "CloudTrailMetrics"
}

variable "watched_regions" {
  description = "Regions where any RunInstances is suspicious"
  type        = list(string)
  default     = []
}

variable "alarm_topic_arns" {
  type    = list(string)
  default = ["arn:aws:sns:us-east-1:123456789012:security-alerts"]
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

variable "enable_canary" {
  type    = bool
  default = false
}
