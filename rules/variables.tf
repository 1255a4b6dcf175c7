# Inputs of the rule pack when deployed with `terraform apply`. trailwatch
# reads the defaults; a team sets its own log group and SNS topic.

variable "log_group_name" {
  description = "CloudWatch Logs log group that receives the CloudTrail events"
  type        = string
  default     = "/aws/cloudtrail/security-audit"
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic notified when an alarm fires"
  type        = string
  default     = "arn:aws:sns:us-east-1:123456789012:security-alerts"
}

variable "metric_namespace" {
  description = "Namespace of the metrics the filters publish"
  type        = string
  default     = "CloudTrailMetrics"
}
