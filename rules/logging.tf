# Logging and account: CloudTrail, AWS Config, the alarms themselves,
# account and organization settings, GuardDuty and Security Hub.

resource "aws_cloudwatch_log_metric_filter" "cloudtrail_stopped_or_deleted" {
  name           = "CloudTrailStoppedOrDeleted"
  pattern        = "{ ($.eventSource = \"cloudtrail.amazonaws.com\") && (($.eventName = \"StopLogging\") || ($.eventName = \"DeleteTrail\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CloudTrailStoppedOrDeletedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_stopped_or_deleted" {
  alarm_name          = "CloudTrailStoppedOrDeleted"
  alarm_description   = "A trail was stopped or deleted (or someone tried): from now on the account's API calls are not recorded, and every alarm in this pack goes blind. Attackers do this right before the actions they want to hide."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CloudTrailStoppedOrDeletedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "critical"
    Runbook     = "Start logging again (StartLogging) or recreate the trail from Terraform first, then treat the caller's credentials as compromised and look at what it did before and after."
    MitreAttack = "T1562.008"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cloudtrail_config_changed" {
  name           = "CloudTrailConfigChanged"
  pattern        = "{ ($.eventSource = \"cloudtrail.amazonaws.com\") && (($.eventName = \"UpdateTrail\") || ($.eventName = \"PutEventSelectors\") || ($.eventName = \"PutInsightSelectors\") || ($.eventName = \"DeleteEventDataStore\") || ($.eventName = \"StopEventDataStoreIngestion\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CloudTrailConfigChangedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_config_changed" {
  alarm_name          = "CloudTrailConfigChanged"
  alarm_description   = "A trail's settings or event selectors were changed, or a CloudTrail Lake event data store deleted or stopped: the quiet way to blind logging (deliver to another bucket, drop a region, exclude management events) without StopLogging. PutEventSelectors is missed by CIS 4.5."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CloudTrailConfigChangedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Compare the new settings (s3BucketName, isMultiRegionTrail, eventSelectors, includeManagementEvents) with the trail in Terraform and restore it if they differ."
    MitreAttack = "T1562.008"
  }
}

resource "aws_cloudwatch_log_metric_filter" "vpc_flow_logs_deleted" {
  name           = "VpcFlowLogsDeleted"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && ($.eventName = \"DeleteFlowLogs\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "VpcFlowLogsDeletedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "vpc_flow_logs_deleted" {
  alarm_name          = "VpcFlowLogsDeleted"
  alarm_description   = "VPC flow logs were deleted (or someone tried): network traffic of that VPC, subnet or interface is no longer recorded, so connections to and from it (exfiltration, command and control) leave no trace."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "VpcFlowLogsDeletedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Recreate the flow logs from Terraform (flowLogIds in requestParameters tell which), then review the caller's other calls around that time."
    MitreAttack = "T1562.008"
  }
}

resource "aws_cloudwatch_log_metric_filter" "aws_config_disabled" {
  name           = "AwsConfigDisabled"
  pattern        = "{ ($.eventSource = \"config.amazonaws.com\") && (($.eventName = \"StopConfigurationRecorder\") || ($.eventName = \"DeleteConfigurationRecorder\") || ($.eventName = \"DeleteDeliveryChannel\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "AwsConfigDisabledCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "aws_config_disabled" {
  alarm_name          = "AwsConfigDisabled"
  alarm_description   = "The AWS Config recorder was stopped or deleted, or its delivery channel deleted: configuration history and compliance checks stop, so later changes leave no record there."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "AwsConfigDisabledCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Restart the recorder (StartConfigurationRecorder) or re-apply the Config stack in that region, then review the caller's other calls around that time."
    MitreAttack = "T1562.001"
  }
}

resource "aws_cloudwatch_log_metric_filter" "aws_config_rule_changes" {
  name           = "AwsConfigRuleChanges"
  pattern        = "{ ($.eventSource = \"config.amazonaws.com\") && ($.userIdentity.invokedBy NOT EXISTS) && (($.eventName = \"PutConfigRule\") || ($.eventName = \"DeleteConfigRule\") || ($.eventName = \"PutConformancePack\") || ($.eventName = \"DeleteConformancePack\") || ($.eventName = \"PutConfigurationRecorder\") || ($.eventName = \"PutDeliveryChannel\") || ($.eventName = \"DeleteEvaluationResults\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "AwsConfigRuleChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "aws_config_rule_changes" {
  alarm_name          = "AwsConfigRuleChanges"
  alarm_description   = "A person changed AWS Config rules, conformance packs, evaluation results, or what the recorder records and where it delivers: a deleted rule or a recorder narrowed to fewer resource types hides non-compliant resources. Changes that AWS services make on their own (Security Hub, Control Tower: invokedBy) are left out."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "AwsConfigRuleChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check the rule or pack name and the caller against your Config Terraform; restore deleted rules and re-evaluate them."
    MitreAttack = "T1562.001"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cloudwatch_monitoring_tampering" {
  name           = "CloudWatchMonitoringTampering"
  pattern        = "{ (($.eventSource = \"monitoring.amazonaws.com\") && ($.userIdentity.invokedBy NOT EXISTS) && (($.eventName = \"DeleteAlarms\") || ($.eventName = \"DisableAlarmActions\"))) || (($.eventSource = \"logs.amazonaws.com\") && ($.requestParameters.logGroupName = \"${var.log_group_name}\") && (($.eventName = \"DeleteLogGroup\") || ($.eventName = \"DeleteMetricFilter\") || ($.eventName = \"PutRetentionPolicy\") || ($.eventName = \"DeleteSubscriptionFilter\"))) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CloudWatchMonitoringTamperingCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudwatch_monitoring_tampering" {
  alarm_name          = "CloudWatchMonitoringTampering"
  alarm_description   = "Someone is switching off this monitoring: CloudWatch alarms were deleted or had their actions disabled by a person (not by Auto Scaling), or the CloudTrail log group these filters read lost a metric filter, a subscription or its retention, or was deleted."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CloudWatchMonitoringTamperingCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Re-apply this rule pack with terraform apply, then review what the caller did while the alarms were off (run trailwatch scan over the logs of that period)."
    MitreAttack = "T1562.008"
  }
}

resource "aws_cloudwatch_log_metric_filter" "account_settings_changed" {
  name           = "AccountSettingsChanged"
  pattern        = "{ ($.eventSource = \"account.amazonaws.com\") && ($.eventType = \"AwsApiCall\") && ($.readOnly IS FALSE) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "AccountSettingsChangedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "account_settings_changed" {
  alarm_name          = "AccountSettingsChanged"
  alarm_description   = "An account setting was changed through the Account Management API: contact information, alternate security / billing / operations contacts, the primary email, or enabled regions. Redirecting the security contact diverts AWS's abuse and security notices; an enabled region is a place nobody watches."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "AccountSettingsChangedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check the eventName and the contact type or region changed, and restore the values recorded in your account baseline if the caller was not an account administrator."
    MitreAttack = "T1098"
  }
}

resource "aws_cloudwatch_log_metric_filter" "organization_changes" {
  name           = "OrganizationChanges"
  pattern        = "{ ($.eventSource = \"organizations.amazonaws.com\") && ($.eventType = \"AwsApiCall\") && ($.readOnly IS FALSE) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "OrganizationChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "organization_changes" {
  alarm_name          = "OrganizationChanges"
  alarm_description   = "A write call to AWS Organizations (or an attempt): leaving the organization escapes its SCPs and central logging; detaching or changing SCPs, delegated administrators or trusted services weakens every account. Covers all write calls, not only the 18 CIS 4.15 lists; service events such as CreateAccountResult are left out (the CreateAccount call itself is counted)."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "OrganizationChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the eventName first: LeaveOrganization or DetachPolicy / DeletePolicy on an SCP by anyone outside the cloud platform team is an incident; confirm it failed or revert it."
    MitreAttack = "T1484"
  }
}

resource "aws_cloudwatch_log_metric_filter" "guardduty_disabled" {
  name           = "GuardDutyDisabled"
  pattern        = "{ ($.eventSource = \"guardduty.amazonaws.com\") && (($.eventName = \"DeleteDetector\") || (($.eventName = \"UpdateDetector\") && ($.requestParameters.enable IS FALSE)) || ($.eventName = \"DisassociateFromMasterAccount\") || ($.eventName = \"DisassociateFromAdministratorAccount\") || ($.eventName = \"StopMonitoringMembers\") || ($.eventName = \"DeleteMembers\") || ($.eventName = \"DisassociateMembers\") || ($.eventName = \"CreateIPSet\") || ($.eventName = \"UpdateIPSet\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "GuardDutyDisabledCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "guardduty_disabled" {
  alarm_name          = "GuardDutyDisabled"
  alarm_description   = "GuardDuty was disabled, suspended or cut off from its administrator account, or a trusted IP list was added or changed (GuardDuty raises no findings for traffic from trusted IPs): threat detection in that region is blind or has an exemption."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "GuardDutyDisabledCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Re-enable the detector in that region (or re-associate the member) and check any trusted IP list for addresses you do not own; then review the caller's activity."
    MitreAttack = "T1562.001"
  }
}

resource "aws_cloudwatch_log_metric_filter" "securityhub_disabled" {
  name           = "SecurityHubDisabled"
  pattern        = "{ ($.eventSource = \"securityhub.amazonaws.com\") && (($.eventName = \"DisableSecurityHub\") || ($.eventName = \"BatchDisableStandards\") || ($.eventName = \"DisassociateFromMasterAccount\") || ($.eventName = \"DisassociateFromAdministratorAccount\") || ($.eventName = \"DeleteMembers\") || ($.eventName = \"DisassociateMembers\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "SecurityHubDisabledCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "securityhub_disabled" {
  alarm_name          = "SecurityHubDisabled"
  alarm_description   = "Security Hub was disabled, a security standard switched off, or the account cut off from its Security Hub administrator: findings and compliance checks for the account stop reaching the security team."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "SecurityHubDisabledCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Re-enable Security Hub and its standards in that region (EnableSecurityHub, BatchEnableStandards), then review the caller's other calls."
    MitreAttack = "T1562.001"
  }
}
