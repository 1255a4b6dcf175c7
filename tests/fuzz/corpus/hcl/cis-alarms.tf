# CIS AWS Foundations Benchmark alarms written the way community modules do
# (for_each over a locals map, jsonencode policies, heredoc patterns, dynamic
# blocks). Test data for the HCL parser: every construct here must parse.
terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0, < 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { ManagedBy = "terraform" }
  }
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "create" {
  description = "Whether to create the CIS alarms"
  type        = bool
  default     = true
}

variable "log_group_name" {
  description = "Name of the CloudWatch log group CloudTrail delivers to"
  type        = string
  default     = "aws-cloudtrail-logs"
}

variable "namespace" {
  type    = string
  default = "CISBenchmark"
}

variable "alarm_actions" {
  type    = list(string)
  default = []
}

variable "disabled_controls" {
  description = "IDs of CIS controls not to alarm on"
  type        = list(string)
  default     = ["S3BucketPolicyChanges"]
}

variable "settings" {
  type = object({
    period    = optional(number, 300)
    threshold = optional(number, 1)
    tags      = optional(map(string), {})
  })
  default = {}
}

locals {
  period = 300 # seconds

  all_controls = {
    UnauthorizedAPICalls = {
      pattern     = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"
      description = "Unauthorized API calls (CIS 3.1)."
    }
    NoMFAConsoleSignin = {
      pattern     = "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }"
      description = "Console sign-in without MFA (CIS 3.2)."
    }
    RootUsage = {
      pattern     = <<-EOT
        {
          $.userIdentity.type = "Root" &&
          $.userIdentity.invokedBy NOT EXISTS &&
          $.eventType != "AwsServiceEvent"
        }
      EOT
      description = "Use of the root account (CIS 3.3)."
    }
    "IAMChanges" = {
      pattern     = join(" || ", [for e in local.iam_events : "($.eventName = ${e})"])
      description = "IAM policy changes (CIS 3.4)."
    }
    S3BucketPolicyChanges = {
      pattern     = "{ ($.eventSource = s3.amazonaws.com) && ($.eventName = PutBucketPolicy) }"
      description = "S3 bucket policy changes (CIS 3.8)."
    },
  }

  iam_events = [
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "PutUserPolicy", # inline policies
    "AttachRolePolicy",
  ]

  controls = {
    for k, v in local.all_controls : k => v
    if !contains(var.disabled_controls, k)
  }
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = var.create ? local.controls : {}

  name           = each.key
  pattern        = each.value["pattern"]
  log_group_name = var.log_group_name

  metric_transformation {
    name      = each.key
    namespace = var.namespace
    value     = 1
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.create ? local.controls : {}

  alarm_name                = "cis-${lower(each.key)}"
  comparison_operator       = "GreaterThanOrEqualToThreshold"
  evaluation_periods        = 1
  metric_name               = aws_cloudwatch_log_metric_filter.this[each.key].id
  namespace                 = var.namespace
  period                    = var.settings.period
  statistic                 = "Sum"
  threshold                 = var.settings.threshold
  alarm_description         = each.value["description"]
  alarm_actions             = var.alarm_actions
  treat_missing_data        = "notBreaching"
  insufficient_data_actions = []

  tags = merge(var.settings.tags, { Control = each.key })
}

resource "aws_cloudwatch_log_metric_filter" "console_without_mfa" {
  name           = "ConsoleSigninWithoutMFA"
  log_group_name = var.log_group_name
  pattern        = <<EOF
{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }
EOF

  metric_transformation {
    name          = "ConsoleSigninWithoutMFA"
    namespace     = var.namespace
    value         = "1"
    default_value = 0
    dimensions = {
      User = "$.userIdentity.userName"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "console_without_mfa" {
  alarm_name          = "console-signin-without-mfa"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  metric_name         = aws_cloudwatch_log_metric_filter.console_without_mfa.metric_transformation[0].name
  namespace           = var.namespace
  period              = local.period
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = concat(var.alarm_actions, [aws_sns_topic.alarms[0].arn])
  ok_actions          = aws_sns_topic.alarms[*].arn
}

resource "aws_sns_topic" "alarms" {
  count = var.create ? 1 : 0
  name  = "cis-alarms"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowCloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "sns" {
  statement {
    sid       = "AllowPublish"
    actions   = ["sns:Publish"]
    resources = [for t in aws_sns_topic.alarms : t.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = length(var.alarm_actions) > 0 ? toset(var.alarm_actions) : []
    content {
      sid       = "Extra${replace(statement.key, "/[^a-zA-Z0-9]/", "")}"
      actions   = ["sns:Publish"]
      resources = [statement.value]
    }
  }
}

module "log_metric_filter" {
  source  = "terraform-aws-modules/cloudwatch/aws//modules/log-metric-filter"
  version = "~> 5.0"

  log_group_name                  = var.log_group_name
  name                            = "error-metric"
  pattern                         = "ERROR"
  metric_transformation_namespace = var.namespace
  metric_transformation_name      = "ErrorCount"
}

output "alarm_arns" {
  description = "ARNs of the CIS alarms, by control"
  value       = { for k, v in aws_cloudwatch_metric_alarm.this : k => v.arn }
}

output "filter_names" {
  value = values(aws_cloudwatch_log_metric_filter.this)[*].name
}
