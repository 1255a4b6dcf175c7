#!/usr/bin/env python3
"""Writes tests/data/sigma/sigmahq/<rule id>.jsonl: our own CloudTrail records for each of SigmaHQ's 57
CloudTrail rules (the rules themselves stay in ../shared/data/sigma and are never copied here).

Each line is one record; its eventID says what the rule must do with it: "match-N" or "nomatch-N".
tests/unit/sigma_rules_test.cpp runs every rule over its file. Rerun after editing:
    python3 tests/tools/make_sigma_examples.py
"""
import copy, json, os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sigma", "sigmahq")
DROP = object()  # a value that removes the key

BASE = {
    "eventVersion": "1.09",
    "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEUSER00001",
                     "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333",
                     "accessKeyId": "AKIAEXAMPLEKEY000001", "userName": "alice"},
    "eventTime": "2026-11-20T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
    "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.30",
    "requestParameters": None, "responseElements": None, "requestID": "0b1c2d3e-0000-4000-8000-000000000001",
    "eventID": "", "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
    "recipientAccountId": "111122223333", "eventCategory": "Management",
}

ASSUMED = {"type": "AssumedRole", "principalId": "AROAEXAMPLEROLE00001:session",
           "arn": "arn:aws:sts::111122223333:assumed-role/Deploy/session", "accountId": "111122223333",
           "accessKeyId": "ASIAEXAMPLEKEY000001",
           "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLE00001",
                                                "arn": "arn:aws:iam::111122223333:role/Deploy",
                                                "accountId": "111122223333", "userName": "Deploy"},
                              "attributes": {"creationDate": "2026-11-20T09:00:00Z", "mfaAuthenticated": "false"}}}


def ev(source, name, **fields):
    """A record: BASE with eventSource/eventName and fields; a key a__b sets a.b, DROP removes."""
    r = copy.deepcopy(BASE)
    r["eventSource"], r["eventName"] = source, name
    for key, value in fields.items():
        path = key.split("__")
        node = r
        for p in path[:-1]:
            node = node.setdefault(p, {})
        if value is DROP:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    return r


RULES = {}


def rule(rule_id, name, match, nomatch):
    RULES[rule_id] = (name, match, nomatch)


def simple(rule_id, name, source, names, other_source="s3.amazonaws.com", other_name="DescribeInstances"):
    """eventSource + a list of eventNames: each name matches (and in lower case: Sigma ignores case)."""
    match = [ev(source, n) for n in names] + [ev(source.upper(), names[0].lower())]
    nomatch = [ev(source, other_name), ev(other_source, names[0]), ev(source, names[0] + "X")]
    rule(rule_id, name, match, nomatch)


simple("59b70e4d-dd17-44a9-b740-acf07ae3eb6a", "aws_cloudtrail_bedrock_guardrail_deleted",
       "bedrock.amazonaws.com", ["DeleteGuardrail"], other_name="UpdateGuardrail")
simple("1c722651-254a-4b04-a9f4-99b62a2d0a1f", "aws_cloudtrail_bedrock_guardrail_updated",
       "bedrock.amazonaws.com", ["UpdateGuardrail"], other_name="DeleteGuardrail")
rule("39c9f26d-6e3b-4dbb-9c7a-4154b0281112", "aws_cloudtrail_bucket_deleted",
     [ev("s3.amazonaws.com", "DeleteBucket"), ev("s3.amazonaws.com", "DeleteBucket", errorCode=None),
      ev("s3.amazonaws.com", "DeleteBucket", errorCode="Success")],
     [ev("s3.amazonaws.com", "DeleteBucket", errorCode="AccessDenied", errorMessage="Access Denied"),
      ev("s3.amazonaws.com", "DeleteBucketPolicy")])
rule("6393e346-1977-46ef-8987-ad414a145fad", "aws_cloudtrail_console_login_failed_authentication",
     [ev("signin.amazonaws.com", "ConsoleLogin", errorMessage="Failed authentication",
         responseElements={"ConsoleLogin": "Failure"})],
     [ev("signin.amazonaws.com", "ConsoleLogin", responseElements={"ConsoleLogin": "Success"}),
      ev("signin.amazonaws.com", "ConsoleLogin", errorMessage="Failed authentication (MFA)"),
      ev("signin.amazonaws.com", "GetSigninToken", errorMessage="Failed authentication")])
rule("77caf516-34e5-4df9-b4db-20744fea0a60", "aws_cloudtrail_console_login_success_without_mfa",
     [ev("signin.amazonaws.com", "ConsoleLogin", additionalEventData={"MFAUsed": "No", "MobileVersion": "No"},
         responseElements={"ConsoleLogin": "Success"})],
     [ev("signin.amazonaws.com", "ConsoleLogin", additionalEventData={"MFAUsed": "Yes"},
         responseElements={"ConsoleLogin": "Success"}),
      ev("signin.amazonaws.com", "ConsoleLogin", additionalEventData={"MFAUsed": "No"},
         responseElements={"ConsoleLogin": "Failure"}),
      ev("signin.amazonaws.com", "ConsoleLogin", responseElements={"ConsoleLogin": "Success"})])
simple("4db60cc0-36fb-42b7-9b58-a5b53019fb74", "aws_cloudtrail_disable_logging", "cloudtrail.amazonaws.com",
       ["StopLogging", "UpdateTrail", "DeleteTrail"], other_name="StartLogging")
rule("d2656e78-c069-4571-8220-9e0ab5913f19", "aws_cloudtrail_guardduty_detector_deleted_or_updated",
     [ev("guardduty.amazonaws.com", "DeleteDetector", requestParameters={"detectorId": "d1"}),
      # requestParameters.enable is a JSON boolean: Sigma's 'false' is its text
      ev("guardduty.amazonaws.com", "UpdateDetector", requestParameters={"detectorId": "d1", "enable": False})],
     [ev("guardduty.amazonaws.com", "UpdateDetector", requestParameters={"detectorId": "d1", "enable": True}),
      ev("guardduty.amazonaws.com", "UpdateDetector", requestParameters={"detectorId": "d1"}),
      ev("guardduty.amazonaws.com", "DeleteDetector", errorCode="AccessDenied"),
      ev("ec2.amazonaws.com", "DeleteDetector")])
imds_arn = "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0123456789abcdef0"
rule("352a918a-34d8-4882-8470-44830c507aa3", "aws_cloudtrail_imds_malicious_usage",
     [ev("ec2.amazonaws.com", "DescribeInstances", userIdentity__arn=imds_arn, sourceIPAddress="203.0.113.9")],
     [ev("ssm.amazonaws.com", "UpdateInstanceInformation", userIdentity__arn=imds_arn),
      ev("ec2.amazonaws.com", "RegisterManagedInstance", userIdentity__arn=imds_arn),
      ev("ec2.amazonaws.com", "DescribeInstances", userIdentity__arn=imds_arn, sourceIPAddress="AWS Internal"),
      # |re is case-sensitive
      ev("ec2.amazonaws.com", "DescribeInstances", userIdentity__arn=imds_arn.replace("aws:ec2", "AWS:ec2")),
      ev("ec2.amazonaws.com", "DescribeInstances", userIdentity=ASSUMED)])
simple("e1f7febb-7b94-4234-b5c6-00fb8500f5dd", "aws_cloudtrail_new_acl_entries", "ec2.amazonaws.com",
       ["CreateNetworkAclEntry"], other_name="DeleteNetworkAclEntry")
simple("c803b2ce-c4a2-4836-beae-b112010390b1", "aws_cloudtrail_new_route_added", "ec2.amazonaws.com",
       ["CreateRoute"], other_name="DeleteRoute")
rule("a840e606-7c8c-4684-9bc1-eb6b6155127f", "aws_cloudtrail_pua_trufflehog",
     [ev("sts.amazonaws.com", "GetCallerIdentity", userAgent="TruffleHog"),
      ev("s3.amazonaws.com", "ListBuckets", userAgent="trufflehog")],
     [ev("sts.amazonaws.com", "GetCallerIdentity", userAgent="TruffleHog/3.63 aws-sdk-go/1.50"),
      ev("sts.amazonaws.com", "GetCallerIdentity")])
simple("a5ffb6ea-c784-4e01-b30a-deb6e58ca2ab", "aws_cloudtrail_region_enabled", "account.amazonaws.com",
       ["EnableRegion"], other_name="DisableRegion")
simple("6fb77778-040f-4015-9440-572aa9b6b580", "aws_cloudtrail_security_group_change_ingress_egress",
       "ec2.amazonaws.com", ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
                             "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress"],
       other_name="DescribeSecurityGroups")
simple("7a4409fc-f8ca-45f6-8006-127d779eaad9", "aws_cloudtrail_security_group_change_loadbalancer",
       "elasticloadbalancing.amazonaws.com", ["ApplySecurityGroupsToLoadBalancer", "SetSecurityGroups"],
       other_name="DescribeLoadBalancers")
simple("14f3f1c8-02d5-43a2-a191-91ffb52d3015", "aws_cloudtrail_security_group_change_rds", "rds.amazonaws.com",
       ["AuthorizeDBSecurityGroupIngress", "CreateDBSecurityGroup", "DeleteDBSecurityGroup",
        "RevokeDBSecurityGroupIngress"], other_name="DescribeDBSecurityGroups")
rule("38e7f511-3f74-41d4-836e-f57dfa18eead", "aws_cloudtrail_ssm_malicious_usage",
     [ev("ssm.amazonaws.com", "SendCommand", requestParameters={"documentName": "AWS-RunShellScript"}),
      ev("ssm.amazonaws.com", "SendCommand", errorCode="Success")],
     [ev("ssm.amazonaws.com", "SendCommand", errorCode="InvalidInstanceId"),
      ev("ssm.amazonaws.com", "ListCommands"), ev("ec2.amazonaws.com", "SendCommand")])
rule("e386b9b5-af12-450e-afff-761730fb8a98", "aws_cloudtrail_vpc_flow_logs_deleted",
     [ev("ec2.amazonaws.com", "DeleteFlowLogs"), ev("ec2.amazonaws.com", "deleteflowlogs", errorCode=None)],
     [ev("ec2.amazonaws.com", "DeleteFlowLogs", errorCode="Client.UnauthorizedOperation"),
      ev("ec2.amazonaws.com", "CreateFlowLogs")])
simple("07330162-dba1-4746-8121-a9647d49d297", "aws_config_disable_recording", "config.amazonaws.com",
       ["DeleteDeliveryChannel", "StopConfigurationRecorder"], other_name="StartConfigurationRecorder")
rule("f8103686-e3e8-46f3-be72-65f7fcb4aa53", "aws_console_getsignintoken",
     [ev("signin.amazonaws.com", "GetSigninToken", userAgent="python-requests/2.31.0")],
     [ev("signin.amazonaws.com", "GetSigninToken", userAgent="Jersey/${project.version} (HttpUrlConnection 1.8.0_392)"),
      ev("signin.amazonaws.com", "GetSigninToken", userAgent="jersey/${PROJECT.VERSION}"),
      ev("signin.amazonaws.com", "ConsoleLogin", userAgent="python-requests/2.31.0")])
simple("20f754db-d025-4a8f-9d74-e0037e999a9a", "aws_delete_identity", "ses.amazonaws.com", ["DeleteIdentity"],
       other_name="VerifyEmailIdentity")
rule("ccd6a6c8-bb4e-4a91-9d2a-07e632819374", "aws_delete_saml_provider",
     # CloudTrail records have no top-level `status`: only a record that has one matches.
     [ev("iam.amazonaws.com", "DeleteSAMLProvider", status="success")],
     [ev("iam.amazonaws.com", "DeleteSAMLProvider"), ev("iam.amazonaws.com", "DeleteSAMLProvider", status="failed")])
rule("a136ac98-b2bc-4189-a14d-f0d0388e57a7", "aws_disable_bucket_versioning",
     [ev("s3.amazonaws.com", "PutBucketVersioning",
         requestParameters={"bucketName": "b", "Host": "b.s3.amazonaws.com", "versioning": "",
                            "VersioningConfiguration": {"Status": "Suspended",
                                                        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}})],
     [ev("s3.amazonaws.com", "PutBucketVersioning",
         requestParameters={"bucketName": "b", "VersioningConfiguration": {"Status": "Enabled"}}),
      ev("s3.amazonaws.com", "PutBucketVersioning"),
      ev("s3.amazonaws.com", "PutBucketPolicy", requestParameters={"bucketName": "Suspended"})])
simple("16124c2d-e40b-4fcc-8f2c-5ab7870a2223", "aws_ec2_disable_encryption", "ec2.amazonaws.com",
       ["DisableEbsEncryptionByDefault"], other_name="EnableEbsEncryptionByDefault")
simple("92f84194-8d9a-4ee0-8699-c30bfac59780", "aws_ec2_import_key_pair_activity", "ec2.amazonaws.com",
       ["ImportKeyPair"], other_name="CreateKeyPair")
rule("1ab3c5ed-5baf-417b-bb6b-78ca33f6c3df", "aws_ec2_startup_script_change",
     [ev("ec2.amazonaws.com", "ModifyInstanceAttribute", requestParameters={"instanceId": "i-1", "attribute": "userData"})],
     [ev("ec2.amazonaws.com", "ModifyInstanceAttribute", requestParameters={"instanceId": "i-1", "attribute": "instanceType"}),
      ev("ec2.amazonaws.com", "DescribeInstanceAttribute", requestParameters={"instanceId": "i-1", "attribute": "userData"})])
rule("54b9a76a-3c71-4673-b4b3-2edb4566ea7b", "aws_ec2_vm_export_failure",
     [ev("ec2.amazonaws.com", "CreateInstanceExportTask",
         responseElements={"exportTask": {"exportTaskId": "export-i-1", "state": "active"}})],
     [ev("ec2.amazonaws.com", "CreateInstanceExportTask", errorCode="InvalidParameter"),
      ev("ec2.amazonaws.com", "CreateInstanceExportTask", errorMessage="Export failed"),
      ev("ec2.amazonaws.com", "CreateInstanceExportTask",
         responseElements={"exportTask": {"state": "failure", "statusMessage": "Failure: no volume"}}),
      ev("ec2.amazonaws.com", "CancelExportTask")])
ecs_cmd = ["sh", "-c", "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]
rule("b94bf91e-c2bf-4047-9c43-c6810f43baad", "aws_ecs_task_definition_cred_endpoint_query",
     # containerDefinitions and command are arrays: any element of any of them
     [ev("ecs.amazonaws.com", "RegisterTaskDefinition",
         requestParameters={"family": "f", "containerDefinitions": [
             {"name": "web", "image": "nginx", "command": ["nginx"]},
             {"name": "x", "image": "alpine", "command": ecs_cmd}]}),
      ev("ecs.amazonaws.com", "RunTask", requestParameters={"containerDefinitions": {"command": ecs_cmd}})],
     [ev("ecs.amazonaws.com", "RegisterTaskDefinition",
         requestParameters={"family": "f", "containerDefinitions": [{"name": "web", "command": ["nginx"]}]}),
      ev("ecs.amazonaws.com", "RegisterTaskDefinition",
         requestParameters={"family": "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}),
      ev("ecs.amazonaws.com", "ListTasks", requestParameters={"containerDefinitions": [{"command": ecs_cmd}]})])
simple("25cb1ba1-8a19-4a23-a198-d252664c8cef", "aws_efs_fileshare_modified_or_deleted",
       "elasticfilesystem.amazonaws.com", ["DeleteFileSystem"], other_name="CreateFileSystem")
simple("6a7ba45c-63d8-473e-9736-2eaabff79964", "aws_efs_fileshare_mount_modified_or_deleted",
       "elasticfilesystem.amazonaws.com", ["DeleteMountTarget"], other_name="CreateMountTarget")
simple("33d50d03-20ec-4b74-a74e-1e65a38af1c0", "aws_eks_cluster_created_or_deleted", "eks.amazonaws.com",
       ["CreateCluster", "DeleteCluster"], other_name="DescribeCluster")
simple("4ae68615-866f-4304-b24b-ba048dfa5ca7", "aws_elasticache_security_group_created",
       "elasticache.amazonaws.com", ["CreateCacheSecurityGroup"], other_name="DeleteCacheSecurityGroup")
simple("7c797da2-9cf2-4523-ba64-33b06339f0cc", "aws_elasticache_security_group_modified_or_deleted",
       "elasticache.amazonaws.com", ["DeleteCacheSecurityGroup", "AuthorizeCacheSecurityGroupIngress",
                                     "RevokeCacheSecurityGroupIngress", "AuthorizeCacheSecurityGroupEgress",
                                     "RevokeCacheSecurityGroupEgress"], other_name="CreateCacheSecurityGroup")
rule("f305fd62-beca-47da-ad95-7690a0620084", "aws_enum_buckets",
     [ev("s3.amazonaws.com", "ListBuckets"), ev("s3.amazonaws.com", "ListBuckets", userIdentity__type="Root")],
     [ev("s3.amazonaws.com", "ListBuckets", userIdentity=ASSUMED),
      ev("s3.amazonaws.com", "ListObjects")])
simple("6e61ee20-ce00-4f8d-8aee-bedd8216f7e3", "aws_guardduty_disruption", "guardduty.amazonaws.com",
       ["CreateIPSet"], other_name="ListIPSets")
rule("0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2", "aws_iam_backdoor_users_keys",
     # Without |fieldref the value is a literal string, which real ARNs never contain.
     [ev("iam.amazonaws.com", "CreateAccessKey", requestParameters={"userName": "bob"},
         responseElements={"accessKey": {"userName": "bob", "accessKeyId": "AKIAEXAMPLEKEY000002"}}),
      ev("iam.amazonaws.com", "CreateAccessKey", requestParameters={"userName": "alice"},
         responseElements={"accessKey": {"userName": "alice"}})],
     [ev("iam.amazonaws.com", "CreateAccessKey",
         userIdentity__arn="arn:aws:iam::111122223333:user/responseElements.accessKey.userName"),
      ev("iam.amazonaws.com", "DeleteAccessKey")])
s3b = "S3 Browser 11.5.7 https://s3browser.com"
rule("db014773-b1d3-46bd-ba26-133337c0ffee", "aws_iam_s3browser_loginprofile_creation",
     [ev("iam.amazonaws.com", "GetLoginProfile", userAgent=s3b), ev("iam.amazonaws.com", "CreateLoginProfile", userAgent=s3b)],
     [ev("iam.amazonaws.com", "CreateLoginProfile"), ev("iam.amazonaws.com", "UpdateLoginProfile", userAgent=s3b)])
policy = ('{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], '
          '"Resource": ["arn:aws:s3:::<YOUR-BUCKET-NAME>/*"]}]}')
rule("db014773-7375-4f4e-b83b-133337c0ffee", "aws_iam_s3browser_templated_s3_bucket_policy_creation",
     # the policy is a JSON string inside requestParameters: its quotes are found as written
     [ev("iam.amazonaws.com", "PutUserPolicy", userAgent=s3b,
         requestParameters={"userName": "bob", "policyName": "p", "policyDocument": policy})],
     [ev("iam.amazonaws.com", "PutUserPolicy", userAgent=s3b,
         requestParameters={"userName": "bob", "policyName": "p", "policyDocument": policy.replace("Allow", "Deny")}),
      ev("iam.amazonaws.com", "PutUserPolicy",
         requestParameters={"userName": "bob", "policyName": "p", "policyDocument": policy}),
      ev("iam.amazonaws.com", "PutRolePolicy", userAgent=s3b,
         requestParameters={"roleName": "r", "policyName": "p", "policyDocument": policy})])
rule("db014773-d9d9-4792-91e5-133337c0ffee", "aws_iam_s3browser_user_or_accesskey_creation",
     [ev("iam.amazonaws.com", "CreateUser", userAgent=s3b), ev("iam.amazonaws.com", "CreateAccessKey", userAgent=s3b)],
     [ev("iam.amazonaws.com", "CreateUser"), ev("iam.amazonaws.com", "DeleteUser", userAgent=s3b)])
simple("1279262f-1464-422f-ac0d-5b545320c526", "aws_kms_import_key_material", "kms.amazonaws.com",
       ["ImportKeyMaterial", "DeleteImportedKeyMaterial"], other_name="GetParametersForImport")
rule("ec541962-c05a-4420-b9ea-84de072d18f4", "aws_lambda_function_url",
     [ev("lambda.amazonaws.com", "CreateFunctionUrlConfig")],
     # Lambda's real event names carry an API version: the rule's exact name does not match them.
     [ev("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031"),
      ev("lambda.amazonaws.com", "GetFunctionUrlConfig")])
layer = "arn:aws:lambda:us-east-1:444455556666:layer:evil:1"
rule("97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d", "aws_new_lambda_layer_attached",
     [ev("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
         requestParameters={"functionName": "f", "layers": [layer]}),
      ev("lambda.amazonaws.com", "UpdateFunctionConfiguration", requestParameters={"functionName": "f", "layers": layer})],
     [ev("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
         requestParameters={"functionName": "f", "timeout": 30}),
      # an empty list has no element to match
      ev("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
         requestParameters={"functionName": "f", "layers": []}),
      ev("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", requestParameters={"layers": [layer]})])
simple("4990c2e3-f4b8-45e3-bc3c-30b14ff0ed26", "aws_passed_role_to_glue_development_endpoint",
       "glue.amazonaws.com", ["CreateDevEndpoint", "DeleteDevEndpoint", "UpdateDevEndpoint"],
       other_name="GetDevEndpoint")
rule("8a63cdd4-6207-414a-85bc-7e032bd3c1a2", "aws_rds_change_master_password",
     [ev("rds.amazonaws.com", "ModifyDBInstance",
         responseElements={"dBInstanceIdentifier": "db1", "pendingModifiedValues": {"masterUserPassword": "****"}})],
     [ev("rds.amazonaws.com", "ModifyDBInstance",
         responseElements={"dBInstanceIdentifier": "db1", "pendingModifiedValues": {"dBInstanceClass": "db.t3.large"}}),
      ev("rds.amazonaws.com", "ModifyDBCluster",
         responseElements={"pendingModifiedValues": {"masterUserPassword": "****"}})])
simple("457cc9ac-d8e6-4d1d-8c0e-251d0f11a74c", "aws_rds_dbcluster_actions", "rds.amazonaws.com",
       ["ModifyDBCluster", "DeleteDBCluster"], other_name="DescribeDBClusters")
rule("c3f265c7-ff03-4056-8ab2-d486227b4599", "aws_rds_public_db_restore",
     # publiclyAccessible is a JSON boolean: 'true' is its text
     [ev("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot",
         responseElements={"dBInstanceIdentifier": "db1", "publiclyAccessible": True})],
     [ev("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot",
         responseElements={"dBInstanceIdentifier": "db1", "publiclyAccessible": False}),
      ev("rds.amazonaws.com", "CreateDBInstance", responseElements={"publiclyAccessible": True})])
rule("8ad1600d-e9dc-4251-b0ee-a65268f29add", "aws_root_account_usage",
     [ev("iam.amazonaws.com", "CreateUser", userIdentity={"type": "Root", "arn": "arn:aws:iam::111122223333:root"}),
      ev("s3.amazonaws.com", "ListBuckets", userIdentity={"type": "root"})],
     [ev("signin.amazonaws.com", "ConsoleLogin", userIdentity={"type": "Root"}, eventType="AwsServiceEvent"),
      ev("iam.amazonaws.com", "CreateUser")])
simple("3940b5f1-3f46-44aa-b746-ebe615b879e0", "aws_route_53_domain_transferred_lock_disabled",
       "route53.amazonaws.com", ["DisableDomainTransferLock"], other_name="EnableDomainTransferLock")
simple("b056de1a-6e6e-4e40-a67e-97c9808cf41b", "aws_route_53_domain_transferred_to_another_account",
       "route53.amazonaws.com", ["TransferDomainToAnotherAwsAccount"], other_name="ListDomains")
simple("78b3756a-7804-4ef7-8555-7b9024a02e2d", "aws_s3_data_management_tampering", "s3.amazonaws.com",
       ["PutBucketLogging", "PutBucketWebsite", "PutEncryptionConfiguration", "PutLifecycleConfiguration",
        "PutReplicationConfiguration", "ReplicateObject", "RestoreObject"], other_name="GetBucketLogging",
       other_source="ec2.amazonaws.com")
simple("a607e1fe-74bf-4440-a3ec-b059b9103157", "aws_securityhub_finding_evasion", "securityhub.amazonaws.com",
       ["BatchUpdateFindings", "DeleteInsight", "UpdateFindings", "UpdateInsight"], other_name="GetFindings")
simple("abae8fec-57bd-4f87-aff6-6e3db989843d", "aws_snapshot_backup_exfiltration", "ec2.amazonaws.com",
       ["ModifySnapshotAttribute"], other_name="DescribeSnapshotAttribute")
rule("d3adb3ef-b7e7-4003-9092-1924c797db35", "aws_sso_idp_change",
     [ev("sso-directory.amazonaws.com", "AssociateDirectory"),
      ev("sso.amazonaws.com", "DisableExternalIdPConfigurationForDirectory"),
      ev("sso.amazonaws.com", "EnableExternalIdPConfigurationForDirectory"),
      ev("sso-directory.amazonaws.com", "DisassociateDirectory")],
     [ev("sso.amazonaws.com", "ListInstances"), ev("ds.amazonaws.com", "AssociateDirectory")])
rule("905d389b-b853-46d0-9d3d-dea0d3a3cd49", "aws_sts_assumerole_misuse",
     [ev("s3.amazonaws.com", "GetObject", userIdentity=ASSUMED)],
     [ev("s3.amazonaws.com", "GetObject"),
      ev("s3.amazonaws.com", "GetObject", userIdentity={"type": "AssumedRole",
                                                         "sessionContext": {"sessionIssuer": {"type": "User"}}})])
rule("9b1b8e9b-0a5d-4af1-9d2f-4c4b6e7c2c9d", "aws_sts_getcalleridentity_trufflehog",
     [ev("sts.amazonaws.com", "GetCallerIdentity", userAgent="TruffleHog aws-sdk-go/1.50.0"),
      ev("sts.amazonaws.com", "GetCallerIdentity", userAgent="aws-sdk-go/1.50.0 (trufflehog)")],
     [ev("sts.amazonaws.com", "GetCallerIdentity"), ev("s3.amazonaws.com", "ListBuckets", userAgent="TruffleHog")])
rule("b45ab1d2-712f-4f01-a751-df3826969807", "aws_sts_getsessiontoken_misuse",
     [ev("sts.amazonaws.com", "GetSessionToken")],
     [ev("sts.amazonaws.com", "GetSessionToken", userIdentity={"type": "Root"}),
      ev("sts.amazonaws.com", "GetFederationToken")])
rule("f43f5d2f-3f2a-4cc8-b1af-81fde7dbaf0e", "aws_susp_saml_activity",
     [ev("sts.amazonaws.com", "AssumeRoleWithSAML"), ev("iam.amazonaws.com", "UpdateSAMLProvider")],
     [ev("iam.amazonaws.com", "AssumeRoleWithSAML"), ev("sts.amazonaws.com", "UpdateSAMLProvider"),
      ev("sts.amazonaws.com", "AssumeRole")])
rule("055fb148-60f8-462d-ad16-26926ce050f1", "aws_update_login_profile",
     [ev("iam.amazonaws.com", "UpdateLoginProfile", requestParameters={"userName": "bob"})],
     # |fieldref: the two fields hold the same text (compared ignoring case)
     [ev("iam.amazonaws.com", "UpdateLoginProfile", userIdentity__arn="bob", requestParameters={"userName": "BOB"}),
      ev("iam.amazonaws.com", "CreateLoginProfile", requestParameters={"userName": "bob"})])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith(".jsonl"):
            os.remove(os.path.join(OUT, name))
    for rule_id, (name, match, nomatch) in sorted(RULES.items()):
        lines = []
        for verdict, records in (("match", match), ("nomatch", nomatch)):
            for i, r in enumerate(records, 1):
                r = copy.deepcopy(r)
                r["eventID"] = f"{verdict}-{i}"
                lines.append(json.dumps(r, separators=(",", ":")))
        with open(os.path.join(OUT, rule_id + ".jsonl"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(RULES)} rules, files in {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
