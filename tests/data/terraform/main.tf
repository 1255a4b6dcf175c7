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
