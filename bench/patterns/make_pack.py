#!/usr/bin/env python3
"""Writes the pattern files used by bench/bench_grep.sh:
seed4.txt   the four metric-filter patterns of the product brief's Terraform
pack100.txt those four, the CIS / Security Hub CloudWatch.2-14 patterns, 75
            single-event detections and 11 patterns that do not name an
            eventName (so the eventName index cannot skip them): 100 in all.
"""
SEED = [
    '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
    '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) }',
]
CIS = [
    '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
    '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
    '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
    '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
    '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
    '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
    '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
]
SINGLES = """iam CreateUser; iam CreateAccessKey; iam CreateLoginProfile; iam UpdateLoginProfile; iam CreateRole;
iam UpdateAssumeRolePolicy; iam AddUserToGroup; iam DeactivateMFADevice; iam DeleteVirtualMFADevice;
iam CreatePolicyVersion; iam SetDefaultPolicyVersion; iam PutUserPermissionsBoundary; iam DeleteUser;
sts GetFederationToken; ec2 RunInstances; ec2 ModifyInstanceAttribute; ec2 CreateKeyPair;
ec2 ModifySnapshotAttribute; ec2 ModifyImageAttribute; ec2 DeleteFlowLogs; ec2 GetPasswordData;
ec2 CreateNatGateway; ec2 CreateTransitGateway; ec2 DisableEbsEncryptionByDefault;
s3 PutBucketPublicAccessBlock; s3 DeleteBucketPublicAccessBlock; s3 PutBucketVersioning; s3 DeleteBucket;
s3 PutBucketLogging; s3 DeleteBucketEncryption; kms PutKeyPolicy; kms CreateGrant;
rds ModifyDBSnapshotAttribute; rds ModifyDBClusterSnapshotAttribute; rds DeleteDBInstance;
secretsmanager GetSecretValue; secretsmanager DeleteSecret; secretsmanager PutSecretValue;
cloudtrail PutEventSelectors; cloudtrail DeleteEventDataStore; guardduty DeleteDetector;
guardduty UpdateDetector; securityhub DisableSecurityHub; organizations LeaveOrganization;
organizations DeleteOrganizationalUnit; account PutAlternateContact; lambda AddPermission20150331v2;
lambda UpdateFunctionCode20150331v2; ssm SendCommand; ssm StartSession; logs DeleteLogGroup;
logs DeleteMetricFilter; monitoring DeleteAlarms; monitoring DisableAlarmActions; ec2 StopInstances;
iam CreateSAMLProvider; iam UpdateSAMLProvider; iam CreateOpenIDConnectProvider; sso CreatePermissionSet;
ecr SetRepositoryPolicy; eks CreateAccessEntry; route53 ChangeResourceRecordSets; wafv2 DeleteWebACL;
elasticloadbalancing DeleteLoadBalancer; backup DeleteBackupVault; iam AttachGroupPolicy;
ec2 CreateSnapshot; ec2 TerminateInstances; iam DetachGroupPolicy; iam CreateGroup; iam DeleteRole;
ec2 CopySnapshot; ec2 ImportKeyPair; ec2 CreateImage; sts AssumeRoleWithSAML"""
UNINDEXED = [
    '{ $.sourceIPAddress = 198.51.100.* }',
    '{ $.userAgent = %python-requests% }',
    '{ $.userIdentity.type = Root && $.errorCode = * }',
    '{ $.errorCode = "AccessDenied" && $.userIdentity.type = AssumedRole }',
    '{ $.requestParameters.instanceType = *.16xlarge || $.requestParameters.instanceType = p3* }',
    '{ $.userIdentity.sessionContext.attributes.mfaAuthenticated = "false" && $.readOnly IS FALSE && $.userIdentity.type = IAMUser }',
    '{ $.eventSource = iam.amazonaws.com && $.errorCode = * }',
    '{ $.responseElements.ConsoleLogin = Failure }',
    '{ $.tlsDetails.tlsVersion = "TLSv1" || $.tlsDetails.tlsVersion = "TLSv1.1" }',
    '{ $.userIdentity.accessKeyId = AKIA* && $.sourceIPAddress != 192.0.2.* }',
    '{ $.awsRegion = ap-* }',
]

def main():
    singles = [s.split() for s in SINGLES.replace("\n", " ").split(";")]
    pack = SEED + CIS + ["{ ($.eventSource = %s.amazonaws.com) && ($.eventName = %s) }" % (svc, name)
                         for svc, name in singles] + UNINDEXED
    assert len(pack) == 100, len(pack)
    with open("seed4.txt", "w") as f:
        f.write("\n".join(SEED) + "\n")
    with open("pack100.txt", "w") as f:
        f.write("\n".join(pack) + "\n")

if __name__ == "__main__":
    main()
