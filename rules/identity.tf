# Identity: console sign-in, root, MFA, IAM principals, credentials and
# permissions. The CIS / Security Hub versions of some of these are kept
# byte-exact in cis.tf; the rules here are the ones to act on.

# ---------------------------------------------------------------- console sign-in

resource "aws_cloudwatch_log_metric_filter" "failed_console_login" {
  name           = "FailedConsoleLogin"
  pattern        = "{ ($.eventName = \"ConsoleLogin\") && ($.responseElements.ConsoleLogin = \"Failure\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "FailedConsoleLoginCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "failed_console_login" {
  alarm_name          = "FailedConsoleLoginBurst"
  alarm_description   = "More than 3 failed console sign-ins within 5 minutes, all users and IPs together: password guessing or password spraying against the AWS console. Counts every ConsoleLogin Failure (wrong password, unknown user, bad MFA code), not only the 'Failed authentication' message CIS 4.6 matches."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "FailedConsoleLoginCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the userName and sourceIPAddress of the failures, then whether a successful ConsoleLogin from the same IP followed."
    MitreAttack = "T1110"
  }
}

resource "aws_cloudwatch_log_metric_filter" "failed_console_login_by_ip" {
  name           = "FailedConsoleLoginBySourceIP"
  pattern        = "{ ($.eventName = \"ConsoleLogin\") && ($.responseElements.ConsoleLogin = \"Failure\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "FailedConsoleLoginBySourceIPCount"
    namespace = var.metric_namespace
    value     = "1"
    dimensions = {
      SourceIPAddress = "$.sourceIPAddress"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failed_console_login_by_ip" {
  alarm_name          = "FailedConsoleLoginBurstPerSourceIP"
  alarm_description   = "More than 3 failed console sign-ins within 5 minutes from one source IP: a brute-force attempt from a single address. The metric has a SourceIPAddress dimension; each IP is evaluated on its own, so failures of many users from one IP add up while failures spread over many IPs do not."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "FailedConsoleLoginBySourceIPCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Look up the source IP (owner, geolocation, other activity in the trail) and whether any ConsoleLogin from it succeeded; block it at the edge if it is hostile."
    MitreAttack = "T1110.001"
  }
}

resource "aws_cloudwatch_log_metric_filter" "console_login_without_mfa" {
  name           = "ConsoleLoginWithoutMfa"
  pattern        = "{ ($.eventName = \"ConsoleLogin\") && ($.responseElements.ConsoleLogin = \"Success\") && ($.additionalEventData.MFAUsed = \"No\") && (($.userIdentity.type = \"IAMUser\") || ($.userIdentity.type = \"Root\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "ConsoleLoginWithoutMfaCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "console_login_without_mfa" {
  alarm_name          = "ConsoleLoginWithoutMfa"
  alarm_description   = "An IAM user or the root user signed in to the console without MFA: a stolen password alone is enough for this account. Matches MFAUsed = \"No\" (not != \"Yes\", which also fires on root's \"YES\" spelling) and leaves out federated/SSO sign-ins, whose MFA happens at the identity provider."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "ConsoleLoginWithoutMfaCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Ask the user whether the sign-in (time, source IP, user agent) was theirs; if failed logins preceded it or it was not them, reset the password and require MFA before anything else."
    MitreAttack = "T1078.004"
  }
}

# ---------------------------------------------------------------- root

resource "aws_cloudwatch_log_metric_filter" "root_account_usage" {
  name           = "RootAccountUsage"
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "RootAccountUsageCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root_account_usage" {
  alarm_name          = "RootAccountUsage"
  alarm_description   = "The root user signed in (or failed to) or made a call itself, not through an AWS service: root has unrestricted access and should not be used day to day. Same selection as CIS 4.3 / CloudWatch.1 (kept as is in cis.tf), but evaluated every minute and back to OK when root is idle, so it notifies within a minute of the first root call and once per session, instead of sitting in INSUFFICIENT_DATA."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "RootAccountUsageCount"
  namespace           = var.metric_namespace
  period              = 60
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "critical"
    Runbook     = "Confirm with the account owner that the root sign-in was planned; if not, rotate the root password and MFA and review every call it made."
    MitreAttack = "T1078.004"
  }
}

resource "aws_cloudwatch_log_metric_filter" "password_policy_changed" {
  name           = "AccountPasswordPolicyChanged"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"UpdateAccountPasswordPolicy\") || ($.eventName = \"DeleteAccountPasswordPolicy\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "AccountPasswordPolicyChangedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "password_policy_changed" {
  alarm_name          = "AccountPasswordPolicyChanged"
  alarm_description   = "The account's IAM password policy was changed or deleted: a weaker policy (short passwords, no rotation, reuse allowed) makes every IAM user's password easier to guess."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "AccountPasswordPolicyChangedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Compare requestParameters with the policy your baseline requires (length, complexity, reuse, max age) and restore it if it was weakened; check who made the change."
    MitreAttack = "T1556"
  }
}

# ---------------------------------------------------------------- MFA

resource "aws_cloudwatch_log_metric_filter" "mfa_device_removed" {
  name           = "MfaDeviceRemoved"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"DeactivateMFADevice\") || ($.eventName = \"DeleteVirtualMFADevice\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "MfaDeviceRemovedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "mfa_device_removed" {
  alarm_name          = "MfaDeviceRemoved"
  alarm_description   = "An MFA device was deactivated or a virtual MFA device deleted: the user (or root) can now sign in with a password alone, a common step before taking over an account."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "MfaDeviceRemovedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check whose device it was (requestParameters.userName / serialNumber) and who removed it; unless the user asked for a device reset, re-enroll MFA and review that user's recent sign-ins."
    MitreAttack = "T1556.006"
  }
}

# ---------------------------------------------------------------- new principals and credentials

resource "aws_cloudwatch_log_metric_filter" "iam_user_created" {
  name           = "IamUserCreated"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && ($.eventName = \"CreateUser\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamUserCreatedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_user_created" {
  alarm_name          = "IamUserCreated"
  alarm_description   = "A new IAM user was created (or creation was attempted): long-lived users are a classic persistence mechanism for an attacker who got in with other credentials."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamUserCreatedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check that the creator and the user name match a ticket or a Terraform change; if not, list the new user's keys, login profile and policies and disable them."
    MitreAttack = "T1136.003"
  }
}

resource "aws_cloudwatch_log_metric_filter" "iam_role_created" {
  name           = "IamRoleCreated"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && ($.eventName = \"CreateRole\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamRoleCreatedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_role_created" {
  alarm_name          = "IamRoleCreated"
  alarm_description   = "A new IAM role was created (or creation was attempted): a role whose trust policy names an outside account or identity provider is a backdoor that survives password and key rotation."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamRoleCreatedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read requestParameters.assumeRolePolicyDocument: any principal outside your accounts or identity providers is suspect; check who created the role and what policies got attached to it."
    MitreAttack = "T1098.003"
  }
}

resource "aws_cloudwatch_log_metric_filter" "iam_access_key_created" {
  name           = "IamAccessKeyCreated"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && ($.eventName = \"CreateAccessKey\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamAccessKeyCreatedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_access_key_created" {
  alarm_name          = "IamAccessKeyCreated"
  alarm_description   = "A new access key was created for an IAM user (or the root user): long-lived credentials that work from anywhere, the usual way to keep access after an intrusion."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamAccessKeyCreatedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check that the caller created the key for itself or under a rotation procedure; a key created by one principal for another user, or from an unknown IP, should be deactivated at once."
    MitreAttack = "T1098.001"
  }
}

resource "aws_cloudwatch_log_metric_filter" "iam_login_profile_changed" {
  name           = "IamLoginProfileChanged"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"CreateLoginProfile\") || ($.eventName = \"UpdateLoginProfile\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamLoginProfileChangedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_login_profile_changed" {
  alarm_name          = "IamLoginProfileChanged"
  alarm_description   = "A console password was set or reset for an IAM user by an API call: an attacker with IAM write access can give any user, or a service user that never had one, a password they know."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamLoginProfileChangedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check whether the caller is the user itself or an admin following a password-reset request; otherwise delete the login profile and look for a ConsoleLogin of that user afterwards."
    MitreAttack = "T1098"
  }
}

# ---------------------------------------------------------------- policies and permissions

resource "aws_cloudwatch_log_metric_filter" "iam_policy_changes" {
  name           = "IamPolicyChanges"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"PutUserPolicy\") || ($.eventName = \"PutGroupPolicy\") || ($.eventName = \"PutRolePolicy\") || ($.eventName = \"DeleteUserPolicy\") || ($.eventName = \"DeleteGroupPolicy\") || ($.eventName = \"DeleteRolePolicy\") || ($.eventName = \"CreatePolicy\") || ($.eventName = \"DeletePolicy\") || ($.eventName = \"CreatePolicyVersion\") || ($.eventName = \"DeletePolicyVersion\") || ($.eventName = \"SetDefaultPolicyVersion\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamPolicyChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_policy_changes" {
  alarm_name          = "IamPolicyChanges"
  alarm_description   = "An IAM policy document changed: an inline policy was put or deleted, or a managed policy was created, deleted or given a new default version. New versions of a policy the attacker is already attached to are a quiet privilege escalation. Attach/detach is IamPermissionChanges."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamPolicyChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read the policyDocument in requestParameters for wildcards (Action \"*\", iam:*, sts:AssumeRole on \"*\") and check the change against your Terraform history."
    MitreAttack = "T1098.003"
  }
}

resource "aws_cloudwatch_log_metric_filter" "iam_permission_changes" {
  name           = "IamPermissionChanges"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"AttachUserPolicy\") || ($.eventName = \"AttachGroupPolicy\") || ($.eventName = \"AttachRolePolicy\") || ($.eventName = \"DetachUserPolicy\") || ($.eventName = \"DetachGroupPolicy\") || ($.eventName = \"DetachRolePolicy\") || ($.eventName = \"AddUserToGroup\") || ($.eventName = \"RemoveUserFromGroup\") || ($.eventName = \"UpdateAssumeRolePolicy\") || ($.eventName = \"PutUserPermissionsBoundary\") || ($.eventName = \"PutRolePermissionsBoundary\") || ($.eventName = \"DeleteUserPermissionsBoundary\") || ($.eventName = \"DeleteRolePermissionsBoundary\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamPermissionChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_permission_changes" {
  alarm_name          = "IamPermissionChanges"
  alarm_description   = "Who may do what changed: a managed policy was attached to or detached from a user, group or role, a user joined or left a group, a role's trust policy was replaced, or a permissions boundary was set or removed."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamPermissionChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check the target (userName, groupName, roleName) and the policyArn or trust policy against your Terraform history; a caller granting permissions to itself or to a principal it created is the red flag."
    MitreAttack = "T1098.003"
  }
}

resource "aws_cloudwatch_log_metric_filter" "iam_admin_policy_attached" {
  name           = "IamAdminPolicyAttached"
  pattern        = "{ ($.eventSource = \"iam.amazonaws.com\") && (($.eventName = \"AttachUserPolicy\") || ($.eventName = \"AttachGroupPolicy\") || ($.eventName = \"AttachRolePolicy\")) && (($.requestParameters.policyArn = \"arn:aws:iam::aws:policy/AdministratorAccess\") || ($.requestParameters.policyArn = \"arn:aws:iam::aws:policy/IAMFullAccess\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "IamAdminPolicyAttachedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "iam_admin_policy_attached" {
  alarm_name          = "IamAdminPolicyAttached"
  alarm_description   = "AdministratorAccess or IAMFullAccess was attached to a user, group or role (or an attempt was made): full control of the account, or the power to grant it, was just handed out."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "IamAdminPolicyAttachedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "critical"
    Runbook     = "Identify the grantee and the caller; unless this is a documented break-glass step, detach the policy immediately and review everything the grantee did since."
    MitreAttack = "T1098.003"
  }
}

# ---------------------------------------------------------------- authorization failures

resource "aws_cloudwatch_log_metric_filter" "unauthorized_api_calls" {
  name           = "UnauthorizedApiCalls"
  pattern        = "{ (($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\")) && ($.sourceIPAddress != \"delivery.logs.amazonaws.com\") && ($.eventName != \"HeadBucket\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "UnauthorizedApiCallsCount"
    namespace = var.metric_namespace
    value     = "1"
    dimensions = {
      Principal = "$.userIdentity.arn"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unauthorized_api_calls" {
  alarm_name          = "UnauthorizedApiCallBurst"
  alarm_description   = "One principal got 10 or more AccessDenied / UnauthorizedOperation errors within 5 minutes: someone is probing what a set of credentials may do, the typical first minutes after a key or session is stolen. Better than CIS 4.1 / CloudWatch.2 (kept in cis.tf), which alarms on every single denied call of every misconfigured app: this one counts per principal (Principal dimension) and needs a burst."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "UnauthorizedApiCallsCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "List the denied eventNames of that principal: broad enumeration (List*, Describe*, GetAccountAuthorizationDetails) from an unusual IP or user agent means stolen credentials; disable the key or revoke the role session."
    MitreAttack = "T1580"
  }
}
