output "alarm_names" {
  value = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name]
}

output "metric_names" {
  value = { for key, filter in aws_cloudwatch_log_metric_filter.this : key => filter.metric_transformation[0].name }
}
