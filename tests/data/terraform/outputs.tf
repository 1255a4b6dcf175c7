output "alarm_names" {
  value = concat(module.identity.alarm_names, module.network.alarm_names, aws_cloudwatch_metric_alarm.region[*].alarm_name)
}
