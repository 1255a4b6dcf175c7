# Compute: new EC2 instances, launch spikes and GPU / very large instance
# types (cryptomining with stolen credentials).

resource "aws_cloudwatch_log_metric_filter" "ec2_instance_launched" {
  name           = "Ec2InstanceLaunched"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && ($.eventName = \"RunInstances\") && ($.errorCode NOT EXISTS) && ($.userIdentity.invokedBy NOT EXISTS) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "Ec2InstanceLaunchedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "ec2_instance_launched" {
  alarm_name          = "Ec2InstanceLaunched"
  alarm_description   = "A person or a set of credentials launched EC2 instances (successful RunInstances not made by an AWS service such as Auto Scaling or EKS): new compute is what an intruder needs to mine, pivot or hide, and it costs money."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "Ec2InstanceLaunchedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "low"
    Runbook     = "Check that the caller is your CI or a known engineer and the image (imageId) is one of yours; an instance launched by an instance role or from an unknown IP deserves a closer look."
    MitreAttack = "T1578.002"
  }
}

resource "aws_cloudwatch_log_metric_filter" "run_instances_volume" {
  name           = "RunInstancesVolume"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && ($.eventName = \"RunInstances\") && ($.userIdentity.invokedBy NOT EXISTS) && ($.requestParameters.instancesSet.items[0].maxCount = *) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "RunInstancesRequestedCount"
    namespace = var.metric_namespace
    value     = "$.requestParameters.instancesSet.items[0].maxCount"
  }
}

resource "aws_cloudwatch_metric_alarm" "run_instances_volume" {
  alarm_name          = "RunInstancesSpike"
  alarm_description   = "More than 10 EC2 instances were requested within 5 minutes (the metric adds up maxCount of each RunInstances call, failed ones too: miners hitting the vCPU quota fail and retry). Launches by AWS services such as Auto Scaling are left out. A burst of launches by hand or by a script is the typical sign of stolen credentials used for cryptomining."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "RunInstancesRequestedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Group the launches by principal, source IP, region and instanceType; if they are not a planned scale-out, revoke the credentials and terminate the instances (check every region)."
    MitreAttack = "T1496"
  }
}

resource "aws_cloudwatch_log_metric_filter" "gpu_or_large_instance" {
  name           = "GpuOrLargeInstanceLaunch"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && ($.eventName = \"RunInstances\") && ($.userIdentity.invokedBy NOT EXISTS) && (($.requestParameters.instanceType = \"p*\") || ($.requestParameters.instanceType = \"g*\") || ($.requestParameters.instanceType = \"trn*\") || ($.requestParameters.instanceType = \"inf*\") || ($.requestParameters.instanceType = \"dl*\") || ($.requestParameters.instanceType = \"f1.*\") || ($.requestParameters.instanceType = \"*.16xlarge\") || ($.requestParameters.instanceType = \"*.18xlarge\") || ($.requestParameters.instanceType = \"*.24xlarge\") || ($.requestParameters.instanceType = \"*.32xlarge\") || ($.requestParameters.instanceType = \"*.48xlarge\") || ($.requestParameters.instanceType = \"*.metal\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "GpuOrLargeInstanceLaunchCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "gpu_or_large_instance" {
  alarm_name          = "GpuOrLargeInstanceLaunch"
  alarm_description   = "A GPU, machine-learning or FPGA instance (p*, g*, trn*, inf*, dl*, f1.*) or a very large one (16xlarge and up, metal) was requested by a person or a set of credentials, successfully or not: the instance types cryptominers launch with stolen credentials, at hundreds of dollars per hour each. Launches by AWS services (an Auto Scaling group of GPU nodes scaling out) are left out, and so are launches from a launch template without an instanceType override."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "GpuOrLargeInstanceLaunchCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check whether the caller is one of the few teams that run GPU or very large instances; if not, revoke the credentials, terminate the instances in every region and look at the billing console."
    MitreAttack = "T1496"
  }
}
