# CIS AWS Foundations Benchmark monitoring controls, as AWS Security Hub
# checks them (controls CloudWatch.1 to CloudWatch.14, CIS v1.2.0 3.1-3.14 and
# v1.4.0+ 4.1-4.14), plus CIS 4.15 (AWS Organizations), which has no Security
# Hub control. The patterns are the published text, byte for byte: Security
# Hub fails the control for any other text. The alarms use CIS's settings:
# Sum over 300 s, >= 1, one evaluation period, missing data left at the
# default ("missing"). Where a rule in the other files does the job better,
# the description says which one.

resource "aws_cloudwatch_log_metric_filter" "cis_root_usage" {
  name           = "CIS-CloudWatch.1-RootUsage"
  pattern        = "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch1RootUsageCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_root_usage" {
  alarm_name          = "CIS-CloudWatch.1-RootUsage"
  alarm_description   = "Security Hub CloudWatch.1, CIS v1.2.0 3.3, v1.4.0+ 1.7 and 4.3: The root user was used (a sign-in, a failed sign-in or a call it made itself). Root has unrestricted access and cannot be limited by IAM policies. RootAccountUsage (identity.tf) selects the same records but notifies within a minute; this one is the exact pattern Security Hub checks for."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch1RootUsageCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "critical"
    Runbook     = "Confirm with the account owner that the root sign-in was planned; if not, rotate the root password and MFA and review every call it made."
    MitreAttack = "T1078.004"
    Control     = "Security Hub CloudWatch.1, CIS v1.2.0 3.3, v1.4.0+ 1.7 and 4.3"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_unauthorized_api_calls" {
  name           = "CIS-CloudWatch.2-UnauthorizedApiCalls"
  pattern        = "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch2UnauthorizedApiCallsCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_unauthorized_api_calls" {
  alarm_name          = "CIS-CloudWatch.2-UnauthorizedApiCalls"
  alarm_description   = "Security Hub CloudWatch.2, CIS v1.2.0 3.1 (v1.4.0+ 4.1): A call was denied (errorCode *UnauthorizedOperation or AccessDenied*). Very noisy: any misconfigured application or console page raises it on every single denied call, so it is kept for compliance only and set to low; UnauthorizedApiCallBurst (identity.tf) is the one to act on: 10 or more denials of one principal within 5 minutes."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch2UnauthorizedApiCallsCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "low"
    Runbook     = "Group the denied calls by principal and eventName; act only on a principal with many different denied calls (enumeration), which UnauthorizedApiCallBurst reports on its own."
    MitreAttack = "T1580"
    Control     = "Security Hub CloudWatch.2, CIS v1.2.0 3.1 (v1.4.0+ 4.1)"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_console_signin_without_mfa" {
  name           = "CIS-CloudWatch.3-ConsoleSignInWithoutMfa"
  pattern        = "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch3ConsoleSignInWithoutMfaCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_console_signin_without_mfa" {
  alarm_name          = "CIS-CloudWatch.3-ConsoleSignInWithoutMfa"
  alarm_description   = "Security Hub CloudWatch.3, CIS v1.2.0 3.2 (v1.4.0+ 4.2, SSO-aware variant): An IAM user signed in to the console successfully without MFA: the password alone protects that user. ConsoleLoginWithoutMfa (identity.tf) also covers root sign-ins without MFA."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch3ConsoleSignInWithoutMfaCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Ask the user whether the sign-in was theirs; reset the password and enforce MFA if failed logins preceded it or it was not them."
    MitreAttack = "T1078.004"
    Control     = "Security Hub CloudWatch.3, CIS v1.2.0 3.2 (v1.4.0+ 4.2, SSO-aware variant)"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_iam_policy_changes" {
  name           = "CIS-CloudWatch.4-IamPolicyChanges"
  pattern        = "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch4IamPolicyChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_iam_policy_changes" {
  alarm_name          = "CIS-CloudWatch.4-IamPolicyChanges"
  alarm_description   = "Security Hub CloudWatch.4, CIS v1.2.0 3.4, v1.4.0+ 4.4: An IAM policy was created, changed, deleted, attached or detached (16 IAM calls). IamPolicyChanges, IamPermissionChanges and IamAdminPolicyAttached (identity.tf) split this by meaning and add SetDefaultPolicyVersion, group membership, trust policies and permissions boundaries."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch4IamPolicyChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read the policy document or policyArn in requestParameters and check the change against your Terraform history."
    MitreAttack = "T1098.003"
    Control     = "Security Hub CloudWatch.4, CIS v1.2.0 3.4, v1.4.0+ 4.4"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_cloudtrail_changes" {
  name           = "CIS-CloudWatch.5-CloudTrailChanges"
  pattern        = "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch5CloudTrailChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_cloudtrail_changes" {
  alarm_name          = "CIS-CloudWatch.5-CloudTrailChanges"
  alarm_description   = "Security Hub CloudWatch.5, CIS v1.2.0 3.5, v1.4.0+ 4.5: A trail was created, updated, deleted, started or stopped: changes to the record of everything else. StartLogging and CreateTrail make it fire on remediation too; CloudTrailStoppedOrDeleted and CloudTrailConfigChanged (logging.tf) only fire on the harmful changes and also catch PutEventSelectors."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch5CloudTrailChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check which trail changed and how (a stop, a deletion, a new bucket or fewer regions); restore it from Terraform if it was not planned."
    MitreAttack = "T1562.008"
    Control     = "Security Hub CloudWatch.5, CIS v1.2.0 3.5, v1.4.0+ 4.5"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_console_auth_failures" {
  name           = "CIS-CloudWatch.6-ConsoleAuthFailures"
  pattern        = "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch6ConsoleAuthFailuresCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_console_auth_failures" {
  alarm_name          = "CIS-CloudWatch.6-ConsoleAuthFailures"
  alarm_description   = "Security Hub CloudWatch.6, CIS v1.2.0 3.6, v1.4.0+ 4.6: A console sign-in failed with 'Failed authentication'. One typo raises it, so it is kept for compliance and set to low; FailedConsoleLoginBurst and FailedConsoleLoginBurstPerSourceIP (identity.tf) alarm on more than 3 failures in 5 minutes, for every failure message."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch6ConsoleAuthFailuresCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "low"
    Runbook     = "Look for more failures from the same sourceIPAddress or for the same user and for a successful ConsoleLogin right after them."
    MitreAttack = "T1110"
    Control     = "Security Hub CloudWatch.6, CIS v1.2.0 3.6, v1.4.0+ 4.6"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_cmk_disabled_or_deleted" {
  name           = "CIS-CloudWatch.7-CmkDisabledOrScheduledDeletion"
  pattern        = "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch7CmkDisabledOrScheduledDeletionCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_cmk_disabled_or_deleted" {
  alarm_name          = "CIS-CloudWatch.7-CmkDisabledOrScheduledDeletion"
  alarm_description   = "Security Hub CloudWatch.7, CIS v1.2.0 3.7, v1.4.0+ 4.7: A customer managed KMS key was disabled or scheduled for deletion: data encrypted under it becomes unreadable, permanently after deletion. KmsKeyDisabledOrDeleted (data.tf) also catches DeleteImportedKeyMaterial."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch7CmkDisabledOrScheduledDeletionCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Find what the key protects; if the change was not planned, cancel the deletion (CancelKeyDeletion) and re-enable the key, then investigate the caller."
    MitreAttack = "T1485"
    Control     = "Security Hub CloudWatch.7, CIS v1.2.0 3.7, v1.4.0+ 4.7"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_s3_bucket_policy_changes" {
  name           = "CIS-CloudWatch.8-S3BucketPolicyChanges"
  pattern        = "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch8S3BucketPolicyChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_s3_bucket_policy_changes" {
  alarm_name          = "CIS-CloudWatch.8-S3BucketPolicyChanges"
  alarm_description   = "Security Hub CloudWatch.8, CIS v1.2.0 3.8, v1.4.0+ 4.8: An S3 bucket's ACL, policy, CORS, lifecycle or replication configuration was set or deleted. S3BucketPublicAcl and S3PublicAccessBlockRemoved (data.tf) single out the changes that make data public."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch8S3BucketPolicyChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read the new policy or ACL in requestParameters: a Principal of \"*\", an unknown account or an AllUsers grant is an exposure to undo."
    MitreAttack = "T1530"
    Control     = "Security Hub CloudWatch.8, CIS v1.2.0 3.8, v1.4.0+ 4.8"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_aws_config_changes" {
  name           = "CIS-CloudWatch.9-AwsConfigChanges"
  pattern        = "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch9AwsConfigChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_aws_config_changes" {
  alarm_name          = "CIS-CloudWatch.9-AwsConfigChanges"
  alarm_description   = "Security Hub CloudWatch.9, CIS v1.2.0 3.9, v1.4.0+ 4.9: The AWS Config recorder was stopped or changed, or its delivery channel deleted or changed: configuration history and compliance checks may stop. AwsConfigDisabled and AwsConfigRuleChanges (logging.tf) also catch deleted recorders and config rules."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch9AwsConfigChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the recorder status in that region and restart it (StartConfigurationRecorder) if it was stopped; then review the caller."
    MitreAttack = "T1562.001"
    Control     = "Security Hub CloudWatch.9, CIS v1.2.0 3.9, v1.4.0+ 4.9"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_security_group_changes" {
  name           = "CIS-CloudWatch.10-SecurityGroupChanges"
  pattern        = "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch10SecurityGroupChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_security_group_changes" {
  alarm_name          = "CIS-CloudWatch.10-SecurityGroupChanges"
  alarm_description   = "Security Hub CloudWatch.10, CIS v1.2.0 3.10, v1.4.0+ 4.10: A security group was created, deleted or had rules authorized or revoked. SecurityGroupOpenToInternet (network.tf) singles out rules open to 0.0.0.0/0 or ::/0."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch10SecurityGroupChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read groupId and ipPermissions in requestParameters and check the change against your Terraform history."
    MitreAttack = "T1562.007"
    Control     = "Security Hub CloudWatch.10, CIS v1.2.0 3.10, v1.4.0+ 4.10"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_nacl_changes" {
  name           = "CIS-CloudWatch.11-NaclChanges"
  pattern        = "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch11NaclChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_nacl_changes" {
  alarm_name          = "CIS-CloudWatch.11-NaclChanges"
  alarm_description   = "Security Hub CloudWatch.11, CIS v1.2.0 3.11, v1.4.0+ 4.11: A network ACL or one of its entries was created, replaced or deleted: the subnet-level firewall changed."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch11NaclChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read ruleAction, cidrBlock and portRange in requestParameters; revert allow-all entries not in your Terraform history."
    MitreAttack = "T1562.007"
    Control     = "Security Hub CloudWatch.11, CIS v1.2.0 3.11, v1.4.0+ 4.11"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_network_gateway_changes" {
  name           = "CIS-CloudWatch.12-NetworkGatewayChanges"
  pattern        = "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch12NetworkGatewayChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_network_gateway_changes" {
  alarm_name          = "CIS-CloudWatch.12-NetworkGatewayChanges"
  alarm_description   = "Security Hub CloudWatch.12, CIS v1.2.0 3.12, v1.4.0+ 4.12: An internet or customer gateway was created, attached, detached or deleted: what can reach the internet or other networks changed. NetworkGatewayChanges (network.tf) adds NAT, egress-only and VPN gateways."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch12NetworkGatewayChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check which VPC the gateway belongs to and whether a route to it followed."
    MitreAttack = "T1599"
    Control     = "Security Hub CloudWatch.12, CIS v1.2.0 3.12, v1.4.0+ 4.12"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_route_table_changes" {
  name           = "CIS-CloudWatch.13-RouteTableChanges"
  pattern        = "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch13RouteTableChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_route_table_changes" {
  alarm_name          = "CIS-CloudWatch.13-RouteTableChanges"
  alarm_description   = "Security Hub CloudWatch.13, CIS v1.2.0 3.13, v1.4.0+ 4.13: A route or route table was created, replaced, deleted or disassociated: traffic may now bypass your inspection points."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch13RouteTableChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read destinationCidrBlock and the route target; chase a 0.0.0.0/0 route to a new gateway or an instance."
    MitreAttack = "T1599"
    Control     = "Security Hub CloudWatch.13, CIS v1.2.0 3.13, v1.4.0+ 4.13"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_vpc_changes" {
  name           = "CIS-CloudWatch.14-VpcChanges"
  pattern        = "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "CisCloudWatch14VpcChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_vpc_changes" {
  alarm_name          = "CIS-CloudWatch.14-VpcChanges"
  alarm_description   = "Security Hub CloudWatch.14, CIS v1.2.0 3.14, v1.4.0+ 4.14: A VPC was created, deleted or modified, or a peering or ClassicLink connection changed: the network boundary changed."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "CisCloudWatch14VpcChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "For peering, check the peer account against your organization; for a new VPC, check that it belongs to a known stack."
    MitreAttack = "T1599"
    Control     = "Security Hub CloudWatch.14, CIS v1.2.0 3.14, v1.4.0+ 4.14"
  }
}

resource "aws_cloudwatch_log_metric_filter" "cis_organizations_changes" {
  name           = "CIS-4.15-OrganizationsChanges"
  pattern        = "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = \"AcceptHandshake\") || ($.eventName = \"AttachPolicy\") || ($.eventName = \"CreateAccount\") || ($.eventName = \"CreateOrganizationalUnit\") || ($.eventName = \"CreatePolicy\") || ($.eventName = \"DeclineHandshake\") || ($.eventName = \"DeleteOrganization\") || ($.eventName = \"DeleteOrganizationalUnit\") || ($.eventName = \"DeletePolicy\") || ($.eventName = \"DetachPolicy\") || ($.eventName = \"DisablePolicyType\") || ($.eventName = \"EnablePolicyType\") || ($.eventName = \"InviteAccountToOrganization\") || ($.eventName = \"LeaveOrganization\") || ($.eventName = \"MoveAccount\") || ($.eventName = \"RemoveAccountFromOrganization\") || ($.eventName = \"UpdatePolicy\") || ($.eventName = \"UpdateOrganizationalUnit\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "Cis415OrganizationsChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis_organizations_changes" {
  alarm_name          = "CIS-4.15-OrganizationsChanges"
  alarm_description   = "CIS v1.4.0+ 4.15 (no Security Hub control): An AWS Organizations change (accounts, organizational units, policies, handshakes, leaving the organization) was made or attempted. OrganizationChanges (logging.tf) covers every Organizations write call."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "Cis415OrganizationsChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the eventName first: LeaveOrganization or an SCP detached or deleted outside the platform team is an incident."
    MitreAttack = "T1484"
    Control     = "CIS v1.4.0+ 4.15 (no Security Hub control)"
  }
}
