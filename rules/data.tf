# Data access: S3 bucket policies and public access, KMS keys, snapshot
# sharing (RDS, EBS) and bursts of secret reads.

resource "aws_cloudwatch_log_metric_filter" "s3_bucket_policy_changed" {
  name           = "S3BucketPolicyChanged"
  pattern        = "{ ($.eventSource = \"s3.amazonaws.com\") && (($.eventName = \"PutBucketPolicy\") || ($.eventName = \"DeleteBucketPolicy\") || ($.eventName = \"PutBucketAcl\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "S3BucketPolicyChangedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "s3_bucket_policy_changed" {
  alarm_name          = "S3BucketPolicyChanged"
  alarm_description   = "A bucket policy was put or deleted, or a bucket ACL replaced: these decide who outside the caller's account can read or write the bucket. Narrower than CIS 4.8 (no CORS, lifecycle or replication changes), so it is worth reading every time."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "S3BucketPolicyChangedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read requestParameters.bucketPolicy / AccessControlPolicy: a Principal of \"*\" or an unknown account, or an AllUsers grant, on a bucket holding data is an exposure to undo now."
    MitreAttack = "T1530"
  }
}

resource "aws_cloudwatch_log_metric_filter" "s3_public_access_block_removed" {
  name           = "S3PublicAccessBlockRemoved"
  pattern        = "{ ($.eventSource = \"s3.amazonaws.com\") && (($.eventName = \"DeleteBucketPublicAccessBlock\") || ($.eventName = \"DeleteAccountPublicAccessBlock\") || ((($.eventName = \"PutBucketPublicAccessBlock\") || ($.eventName = \"PutAccountPublicAccessBlock\")) && (($.requestParameters.PublicAccessBlockConfiguration.BlockPublicAcls IS FALSE) || ($.requestParameters.PublicAccessBlockConfiguration.IgnorePublicAcls IS FALSE) || ($.requestParameters.PublicAccessBlockConfiguration.BlockPublicPolicy IS FALSE) || ($.requestParameters.PublicAccessBlockConfiguration.RestrictPublicBuckets IS FALSE)))) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "S3PublicAccessBlockRemovedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "s3_public_access_block_removed" {
  alarm_name          = "S3PublicAccessBlockRemoved"
  alarm_description   = "S3 Block Public Access was deleted or one of its four settings turned off, for a bucket or the whole account: the safety net that keeps a wrong policy or ACL from making data public is gone."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "S3PublicAccessBlockRemovedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check which bucket (or the account) lost the block and whether a PutBucketPolicy or PutBucketAcl followed; turn all four settings back on unless the bucket is a documented public website."
    MitreAttack = "T1530"
  }
}

resource "aws_cloudwatch_log_metric_filter" "s3_bucket_public_acl" {
  name           = "S3BucketPublicAcl"
  pattern        = "{ ($.eventSource = \"s3.amazonaws.com\") && ($.eventName = \"PutBucketAcl\") && (($.requestParameters.AccessControlPolicy.AccessControlList.Grant[*].Grantee.URI = \"*/global/AllUsers\") || ($.requestParameters.AccessControlPolicy.AccessControlList.Grant[*].Grantee.URI = \"*/global/AuthenticatedUsers\") || ($.requestParameters.AccessControlPolicy.AccessControlList.Grant.Grantee.URI = \"*/global/AllUsers\") || ($.requestParameters.AccessControlPolicy.AccessControlList.Grant.Grantee.URI = \"*/global/AuthenticatedUsers\") || ($.requestParameters.x-amz-acl[0] = \"public-read*\") || ($.requestParameters.x-amz-acl[0] = \"authenticated-read\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "S3BucketPublicAclCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "s3_bucket_public_acl" {
  alarm_name          = "S3BucketPublicAcl"
  alarm_description   = "A bucket ACL now grants access to AllUsers (anyone on the internet) or AuthenticatedUsers (anyone with any AWS account), by an explicit grant or a canned public-read / public-read-write / authenticated-read ACL."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "S3BucketPublicAclCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "critical"
    Runbook     = "Set the bucket ACL back to private (and Block Public Access on), then check S3 server access logs or data events for reads from outside since the change."
    MitreAttack = "T1530"
  }
}

resource "aws_cloudwatch_log_metric_filter" "kms_key_disabled_or_deleted" {
  name           = "KmsKeyDisabledOrDeleted"
  pattern        = "{ ($.eventSource = \"kms.amazonaws.com\") && (($.eventName = \"DisableKey\") || ($.eventName = \"ScheduleKeyDeletion\") || ($.eventName = \"DeleteImportedKeyMaterial\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "KmsKeyDisabledOrDeletedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "kms_key_disabled_or_deleted" {
  alarm_name          = "KmsKeyDisabledOrDeleted"
  alarm_description   = "A KMS key was disabled, scheduled for deletion or had its imported key material deleted (the last one CIS 4.7 misses): everything encrypted under it becomes unreadable, for good once the key is deleted, a ransom and destruction technique."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "KmsKeyDisabledOrDeletedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Find what the key protects (aliases, resources using it); if the change was not planned, run CancelKeyDeletion and EnableKey within the waiting period, then find out who made it."
    MitreAttack = "T1485"
  }
}

resource "aws_cloudwatch_log_metric_filter" "rds_snapshot_shared" {
  name           = "RdsSnapshotShared"
  pattern        = "{ ($.eventSource = \"rds.amazonaws.com\") && (($.eventName = \"ModifyDBSnapshotAttribute\") || ($.eventName = \"ModifyDBClusterSnapshotAttribute\")) && ($.requestParameters.attributeName = \"restore\") && ($.requestParameters.valuesToAdd[*] = \"*\") }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "RdsSnapshotSharedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "rds_snapshot_shared" {
  alarm_name          = "RdsSnapshotShared"
  alarm_description   = "An RDS DB or cluster snapshot was shared with another AWS account or made public (restore permission added; \"all\" means public): the whole database can now be restored and read outside your account."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "RdsSnapshotSharedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check requestParameters.valuesToAdd: \"all\" or an account outside your organization is data exfiltration; remove the permission (valuesToRemove) and treat the data as copied."
    MitreAttack = "T1537"
  }
}

resource "aws_cloudwatch_log_metric_filter" "ebs_snapshot_shared" {
  name           = "EbsSnapshotShared"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && ($.eventName = \"ModifySnapshotAttribute\") && (($.requestParameters.createVolumePermission.add.items[*].userId = \"*\") || ($.requestParameters.createVolumePermission.add.items[*].group = \"all\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "EbsSnapshotSharedCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "ebs_snapshot_shared" {
  alarm_name          = "EbsSnapshotShared"
  alarm_description   = "An EBS snapshot was shared with another AWS account or made public (createVolumePermission added): anyone it was shared with can create a volume from it and read the disk."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "EbsSnapshotSharedCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the userId or group added: an account outside your organization, or \"all\", is exfiltration; remove the permission and find which volume and instance the snapshot came from."
    MitreAttack = "T1537"
  }
}

resource "aws_cloudwatch_log_metric_filter" "secret_value_reads" {
  name           = "SecretValueReads"
  pattern        = "{ ($.eventSource = \"secretsmanager.amazonaws.com\") && (($.eventName = \"GetSecretValue\") || ($.eventName = \"BatchGetSecretValue\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "SecretValueReadsCount"
    namespace = var.metric_namespace
    value     = "1"
    dimensions = {
      Principal = "$.userIdentity.arn"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "secret_value_reads" {
  alarm_name          = "SecretValueReadBurst"
  alarm_description   = "One principal read more than 10 Secrets Manager secret values within 5 minutes: applications read the same few secrets at start-up, while an intruder harvests everything it can list. The Principal dimension keeps busy applications from adding up."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "SecretValueReadsCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "List the secretIds that principal read and from which IP; if it is not an application deploy, revoke its credentials and rotate every secret it read."
    MitreAttack = "T1555.006"
  }
}
