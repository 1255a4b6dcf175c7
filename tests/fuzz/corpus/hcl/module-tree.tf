locals {
  prefix    = "${var.environment}-${var.team}"
  log_group = "/aws/cloudtrail/${var.environment}"
  tags      = merge(var.extra_tags, { Team = var.team, Environment = var.environment })
  runbook   = <<-EOT
    Check who called RunInstances and whether the instances still run.
      Stop them if nobody claims them.
  EOT
}

module "identity" {
  source         = "./modules/cloudtrail-alarms"
  name_prefix    = "${local.prefix}-identity"
  namespace      = var.namespace
  log_group_name = local.log_group
  alarm_actions  = var.alarm_topic_arns
  tags           = local.tags

  rules = {
    root-usage = {
      pattern  = trimspace(file("${path.module}/patterns/root-usage.txt"))
      severity = "critical"
    }
    console-login-failures = {
      pattern            = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
      severity           = "high"
      threshold          = 3
      evaluation_periods = 2
      dimensions         = ["sourceIPAddress"]
    }
  }
}

module "network" {
  source         = "./modules/cloudtrail-alarms"
  name_prefix    = "${local.prefix}-network"
  namespace      = var.namespace
  log_group_name = local.log_group
  period         = 60
  tags           = local.tags

  rules = {
    security-group-changes = {
      pattern  = format("{ %s }", join(" || ", formatlist("($.eventName = %s)", ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "CreateSecurityGroup", "DeleteSecurityGroup"])))
      severity = "medium"
    }
    vpc-changes = {
      pattern    = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }"
      severity   = "medium"
      threshold  = 1
      dimensions = ["awsRegion", "userIdentity.arn"]
    }
  }
}

# One filter and alarm per watched region: count.
resource "aws_cloudwatch_log_metric_filter" "region" {
  count          = length(var.watched_regions)
  name           = "${local.prefix}-run-instances-${var.watched_regions[count.index]}"
  pattern        = "{ ($.eventName = RunInstances) && ($.awsRegion = \"${var.watched_regions[count.index]}\") }"
  log_group_name = local.log_group

  metric_transformation {
    name      = "RunInstances${replace(title(replace(var.watched_regions[count.index], "-", " ")), " ", "")}"
    namespace = var.namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "region" {
  count               = length(var.watched_regions)
  alarm_name          = aws_cloudwatch_log_metric_filter.region[count.index].name
  alarm_description   = <<-EOT
    RunInstances in ${var.watched_regions[count.index]}, a region this account does not use.
    %{~ if var.environment == "prod" }
    Production: page the on-call engineer.
    %{~ endif }
  EOT
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = aws_cloudwatch_log_metric_filter.region[count.index].metric_transformation[0].name
  namespace           = aws_cloudwatch_log_metric_filter.region[count.index].metric_transformation[0].namespace
  period              = 300
  statistic           = "Sum"
  threshold           = var.environment == "prod" ? 1 : 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  tags = merge(local.tags, {
    Severity = "high"
    Runbook  = chomp(local.runbook)
    Watches  = join(",", aws_cloudwatch_log_metric_filter.region[*].name)
  })
}

# A canary rule that is off unless enable_canary is set.
resource "aws_cloudwatch_log_metric_filter" "canary" {
  count          = var.enable_canary ? 1 : 0
  name           = "${local.prefix}-canary"
  pattern        = "{ $.eventName = GetCallerIdentity }"
  log_group_name = local.log_group

  metric_transformation {
    name      = "Canary"
    namespace = var.namespace
    value     = "1"
  }
}
#@ outputs.tf
output "alarm_names" {
  value = concat(module.identity.alarm_names, module.network.alarm_names, aws_cloudwatch_metric_alarm.region[*].alarm_name)
}
#@ secops.auto.tfvars
# Loaded after terraform.tfvars, so it wins.
team      = "secops"
namespace = "SecOps"
#@ terraform.tfvars
environment     = "prod"
watched_regions = ["ap-southeast-2", "sa-east-1"]
extra_tags = {
  CostCenter = "1234"
}
#@ variables.tf
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
#@ versions.tf
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
#@ modules/cloudtrail-alarms/description.tftpl
${key}: ${upper(rule.severity)} when ${rule.threshold} or more events match ${pattern}
%{ if length(rule.dimensions) > 0 ~}
 (per ${join(", ", rule.dimensions)})
%{~ endif ~}
#@ modules/cloudtrail-alarms/main.tf
# One metric filter and one alarm per rule: for_each over a map of patterns.
locals {
  # "console-login-failures" -> "ConsoleLoginFailures"
  metric_names = { for key, rule in var.rules : key => replace(title(replace(key, "-", " ")), " ", "") }
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each       = var.rules
  name           = "${var.name_prefix}-${each.key}"
  pattern        = each.value.pattern
  log_group_name = var.log_group_name

  dynamic "metric_transformation" {
    for_each = [each.value]
    iterator = rule
    content {
      name       = "${local.metric_names[each.key]}Count"
      namespace  = var.namespace
      value      = "1"
      dimensions = { for field in rule.value.dimensions : replace(title(replace(field, ".", " ")), " ", "") => "$.${field}" }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = var.rules
  alarm_name          = aws_cloudwatch_log_metric_filter.this[each.key].name
  alarm_description   = templatefile("${path.module}/description.tftpl", { key = each.key, rule = each.value, pattern = aws_cloudwatch_log_metric_filter.this[each.key].pattern })
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.evaluation_periods > 1 ? each.value.evaluation_periods - 1 : null
  metric_name         = aws_cloudwatch_log_metric_filter.this[each.key].metric_transformation[0].name
  namespace           = var.namespace
  period              = var.period
  statistic           = "Sum"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = merge(var.tags, { Severity = each.value.severity })
}
#@ modules/cloudtrail-alarms/outputs.tf
output "alarm_names" {
  value = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name]
}

output "metric_names" {
  value = { for key, filter in aws_cloudwatch_log_metric_filter.this : key => filter.metric_transformation[0].name }
}
#@ modules/cloudtrail-alarms/variables.tf
variable "name_prefix" {
  type = string
}

variable "namespace" {
  type    = string
  default = "CloudTrailMetrics"
}

variable "log_group_name" {
  type = string
}

variable "period" {
  description = "Seconds per evaluation period"
  type        = number
  default     = 300
}

variable "alarm_actions" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "rules" {
  description = "Metric filters and their alarms, by short name"
  type = map(object({
    pattern            = string
    severity           = string
    threshold          = optional(number, 1)
    evaluation_periods = optional(number, 1)
    dimensions         = optional(list(string), [])
  }))
}
#@ patterns/root-usage.txt
{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }
