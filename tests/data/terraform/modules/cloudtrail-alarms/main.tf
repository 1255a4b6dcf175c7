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
