#!/usr/bin/env python3
"""Generate the trailwatch sample CloudTrail folder (deterministic, stdlib only).

    python3 samples/generate.py [--out DIR]      # default DIR: this script's folder

Writes DIR/AWSLogs/123456789012/CloudTrail/<region>/YYYY/MM/DD/*.json.gz in the
S3 delivery shape ({"Records":[...]}, compact, one line, gzipped) plus
DIR/MANIFEST.tsv.  Only DIR/AWSLogs is deleted before writing.  Same Python and
zlib => byte-identical output.  Record shapes follow real CloudTrail deliveries
(key order, identity variants, S3/KMS/console specifics); see README.md.

bench/gen_corpus.py imports this module: the record factories take an explicit
random.Random and an epoch-seconds time, so any caller can reproduce them.
"""
import argparse, base64, calendar, gzip, hashlib, json, os, random, shutil, time, uuid

ACCOUNT = "123456789012"
MGMT_ACCOUNT = "111122223333"        # organization management account
EXTERNAL_ACCOUNT = "444455556666"    # attacker-controlled account
MONITOR_ACCOUNT = "777788889999"     # third-party monitoring SaaS
SEED = 20261120
DAY0 = calendar.timegm((2026, 11, 20, 0, 0, 0))
REGIONS = ("us-east-1", "eu-central-1")
GLOBAL = ("iam", "sts", "signin", "organizations", "account", "ce")  # these log to us-east-1
VERSIONS = {"ec2": "1.10", "s3": "1.10", "cloudtrail": "1.10", "signin": "1.09",
            "kms": "1.08", "iam": "1.08", "sts": "1.08", "rds": "1.09"}
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# ---------------------------------------------------------------- helpers
def ts(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

def human_ts(t, comma=True):          # STS "Nov 20, 2026, 4:05:30 AM"; IAM createDate has no 2nd comma
    g = time.gmtime(t)
    return "%s %d, %d%s %d:%02d:%02d %s" % (time.strftime("%b", g), g.tm_mday, g.tm_year, "," if comma else "",
                                            (g.tm_hour % 12) or 12, g.tm_min, g.tm_sec, "AM" if g.tm_hour < 12 else "PM")

def at(hhmmss):                       # "03:11:05" -> epoch seconds on the sample day
    h, m, s = (int(x) for x in hhmmss.split(":"))
    return DAY0 + h * 3600 + m * 60 + s

def fake_id(prefix, name, n=16):      # stable AWS-style ids (AIDA..., AKIA..., AROA...)
    d = hashlib.sha256(name.encode()).digest()
    return prefix + "".join(B32[b % 32] for b in d[:n])

def uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))

def b64(rng, nbytes):
    return base64.b64encode(rng.getrandbits(8 * nbytes).to_bytes(nbytes, "little")).decode()

def hexid(rng, prefix, n=17):
    return prefix + "%0*x" % (n, rng.getrandbits(4 * n))

def arn_of(ident):
    return ident.get("arn", "arn:aws:iam::%s:root" % ACCOUNT)

# ---------------------------------------------------------------- principals
class User:
    def __init__(self, name, ip, ua):
        self.name, self.ip, self.ua = name, ip, ua
        self.pid, self.key = fake_id("AIDA", name, 17), fake_id("AKIA", "key-" + name)
        self.arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)

    def ident(self, t=None, console=False, mfa=True, key=None, since=None):
        """API-call identity; console=True gives the ASIA console-session shape (since: login time)."""
        u = {"type": "IAMUser", "principalId": self.pid, "arn": self.arn, "accountId": ACCOUNT}
        if console:
            u["accessKeyId"] = fake_id("ASIA", "%s-%d" % (self.name, t // 3600))
            u["userName"] = self.name
            u["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {}, "attributes": {
                "creationDate": ts(since or t - t % 3600 + 17), "mfaAuthenticated": "true" if mfa else "false"}}
        else:
            u["accessKeyId"] = key or self.key
            u["userName"] = self.name
        return u

class Role:
    def __init__(self, name, path="/"):
        self.name, self.path = name, path
        self.rid = fake_id("AROA", name, 17)
        self.arn = "arn:aws:iam::%s:role%s%s" % (ACCOUNT, path, name)

    def ident(self, session, t, mfa=False, invoked_by=None, ec2=False):
        u = {"type": "AssumedRole", "principalId": "%s:%s" % (self.rid, session),
             "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, self.name, session),
             "accountId": ACCOUNT, "accessKeyId": fake_id("ASIA", "%s-%s-%d" % (self.name, session, t // 3600)),
             "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": self.rid, "arn": self.arn,
                                                  "accountId": ACCOUNT, "userName": self.name},
                                "webIdFederationData": {},
                                "attributes": {"creationDate": ts(t - t % 3600 + 5),
                                               "mfaAuthenticated": "true" if mfa else "false"}}}
        if ec2:
            u["sessionContext"]["ec2RoleDelivery"] = "2.0"
        if invoked_by:
            u["invokedBy"] = invoked_by
        return u

def root_ident(t=None, console=False, invoked_by=None, login=False, since=None):
    u = {"type": "Root", "principalId": ACCOUNT, "arn": "arn:aws:iam::%s:root" % ACCOUNT, "accountId": ACCOUNT}
    if login:
        u["accessKeyId"] = ""
    elif console:
        u["accessKeyId"] = fake_id("ASIA", "root-%d" % (t // 3600))
        u["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                               "attributes": {"creationDate": ts(since or t - t % 3600 + 40), "mfaAuthenticated": "true"}}
    else:
        u["accessKeyId"] = fake_id("ASIA", "root-svc-%d" % (t // 3600))
    if invoked_by:
        u["invokedBy"] = invoked_by
    return u

def service_ident(service):
    return {"type": "AWSService", "invokedBy": service}

BROWSER = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CLI = ("aws-cli/2.22.4 Python/3.12.6 Linux/6.8.0-48-generic exe/x86_64.ubuntu.24 prompt/off command/%s")
TERRAFORM = ("APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 "
             "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 "
             "os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/%s")
BOTO3 = "Boto3/1.35.62 md/Botocore#1.35.62 ua/2.0 os/linux#6.1.0-27-amd64 md/arch#x86_64 lang/python#3.11.2 cfg/retry-mode#legacy Botocore/1.35.62"
SDK_GO = "aws-sdk-go-v2/1.32.4 os/linux lang/go#1.22.8 md/GOOS#linux md/GOARCH#amd64 api/%s"
SSM_AGENT = "amazon-ssm-agent/3.3.1142.0"

# The cast (see README.md).  IPs are from documentation ranges.
ALICE = User("alice", "203.0.113.10", FIREFOX)          # cloud admin
BOB = User("bob", "203.0.113.25", BROWSER)              # developer (brute-forced)
CAROL = User("carol", "203.0.113.11", BROWSER)          # security auditor
DAVE = User("dave", "203.0.113.12", FIREFOX)            # data engineer
ERIN = User("erin", "203.0.113.13", BROWSER)            # ops
CI = User("ci-deploy", "192.0.2.50", TERRAFORM)         # CI/terraform (key leaks)
EXPORTER = User("report-exporter", "203.0.113.120", BOTO3)  # misconfigured app
SVC_MAINT = User("svc-maint", "198.51.100.23", CLI)     # created by the attacker
HUMANS = (ALICE, BOB, CAROL, DAVE, ERIN)
ORG_ROLE = Role("OrganizationAccountAccessRole")
EC2_ROLE = Role("web-app-ec2-role")
LAMBDA_ROLE = Role("order-processor-lambda-role", "/service-role/")
MONITOR_ROLE = Role("ThirdPartyMonitoringRole")
TF_ROLE = Role("terraform-plan-role")
CONFIG_ROLE = Role("AWSServiceRoleForConfig", "/aws-service-role/config.amazonaws.com/")
INSTANCES = {"us-east-1": ("i-0a1b2c3d4e5f60718", "192.0.2.80"), "eu-central-1": ("i-0f9e8d7c6b5a43210", "192.0.2.81")}
def inst(region):                     # (instance id, public IP) of the web-app instance in any region
    if region not in INSTANCES:
        h = hashlib.sha256(region.encode()).hexdigest()
        INSTANCES[region] = ("i-0" + h[:16], "192.0.2.%d" % (82 + int(h[16:18], 16) % 40))
    return INSTANCES[region]
BUCKETS = ("acme-web-assets", "acme-customer-exports", "acme-terraform-state", "acme-cloudtrail-logs", "acme-data-lake")
SECRETS = ("prod/orders/db", "prod/payments/api-key", "prod/crm/token", "prod/smtp", "prod/search/admin",
           "prod/warehouse/db", "prod/sso/saml-key", "prod/github/deploy-key", "prod/slack/webhook",
           "prod/stripe/secret", "prod/analytics/db", "prod/ldap/bind", "prod/backup/encryption",
           "prod/vpn/psk", "prod/datadog/api-key")
def kms_key(region):                  # ARN of the account's customer-managed key in a region
    return "arn:aws:kms:%s:%s:key/%s" % (region, ACCOUNT, uuid.UUID(int=int(hashlib.md5(region.encode()).hexdigest(), 16), version=4))

# ---------------------------------------------------------------- record builder
def host_for(svc, region):
    if svc in ("iam", "signin"):
        return "iam.amazonaws.com" if svc == "iam" else "signin.aws.amazon.com"
    if svc == "sts":
        return "sts.amazonaws.com"
    return "%s.%s.amazonaws.com" % (svc, region)

def event(rng, t, ident, source, name, region, ip, ua, req=None, resp=None, error=None, extra=None,
          resources=None, read_only=False, etype="AwsApiCall", tls=True, console=False, host=None,
          details=None, vpce=None):
    """One CloudTrail record, keys in CloudTrail's order."""
    svc = source.split(".")[0]
    if svc in GLOBAL:
        region = "us-east-1"
    r = {"eventVersion": VERSIONS.get(svc, "1.09"), "userIdentity": ident, "eventTime": ts(t),
         "eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua}
    if error:
        if error[0]:
            r["errorCode"] = error[0]
        r["errorMessage"] = error[1]
    r["requestParameters"] = req
    r["responseElements"] = resp
    if extra is not None:
        r["additionalEventData"] = extra
    if etype == "AwsApiCall":
        r["requestID"] = uid(rng) if svc != "s3" else "".join(rng.choices(ALNUM[:26] + "0123456789", k=16))
    r["eventID"] = uid(rng)
    r["readOnly"] = read_only
    if resources:
        r["resources"] = resources
    r["eventType"] = etype
    r["managementEvent"] = True
    r["recipientAccountId"] = ACCOUNT
    if details:
        r["serviceEventDetails"] = details
    if vpce:
        r["vpcEndpointId"] = vpce
    r["eventCategory"] = "Management"
    if tls and "invokedBy" not in ident:
        v13 = rng.random() < 0.7
        r["tlsDetails"] = {"tlsVersion": "TLSv1.3" if v13 else "TLSv1.2",
                           "cipherSuite": "TLS_AES_128_GCM_SHA256" if v13 else "ECDHE-RSA-AES128-GCM-SHA256",
                           "clientProvidedHostHeader": host or host_for(svc, region)}
    if console:
        r["sessionCredentialFromConsole"] = "true"
    return r

def denied(ident, source, name, resource="*"):
    """Realistic authorization-failure (errorCode, errorMessage) for a service."""
    svc = source.split(".")[0]
    action = "%s:%s" % ("s3" if svc == "s3" else svc, name)
    msg = "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action" % (
        arn_of(ident), action, resource, action)
    if svc == "ec2":
        return ("Client.UnauthorizedOperation", "You are not authorized to perform this operation. User: %s is not "
                "authorized to perform: %s on resource: arn:aws:ec2:*:%s:*" % (arn_of(ident), action, ACCOUNT))
    if svc in ("organizations", "kms", "secretsmanager", "lambda", "guardduty", "securityhub"):
        return ("AccessDeniedException", msg)
    return ("AccessDenied", msg if svc != "s3" else "Access Denied")

def s3_event(rng, t, ident, name, bucket, ip, ua, req_extra=None, error=None, read_only=True, console=False, region="us-east-1"):
    """S3 bucket-level management call: Host, additionalEventData, AWS::S3::Bucket resource."""
    host = "%s.s3.%s.amazonaws.com" % (bucket, region)
    req = {"bucketName": bucket, "Host": host}
    req.update(req_extra or {})
    extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
             "AuthenticationMethod": "AuthHeader", "x-amz-id-2": b64(rng, 56), "bytesTransferredOut": rng.randint(0, 900)}
    res = [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}]
    return event(rng, t, ident, "s3.amazonaws.com", name, region, ip, ua, req, None, error, extra, res,
                 read_only, host=host, console=console)

# ---------------------------------------------------------------- record factories (used by scenarios + corpus)
def console_login(rng, t, user, ip, ua=BROWSER, success=True, mfa=True):
    """ConsoleLogin for an IAM User (user=None means root)."""
    if user is None:
        ident = root_ident(login=True)
        mfa_id = "arn:aws:iam::%s:mfa/root-account-mfa-device" % ACCOUNT
    elif success:
        ident = {"type": "IAMUser", "principalId": user.pid, "arn": user.arn, "accountId": ACCOUNT, "userName": user.name}
        mfa_id = "arn:aws:iam::%s:mfa/%s" % (ACCOUNT, user.name)
    else:                             # failed sign-in: AWS documents this shape (no arn, empty key)
        ident = {"type": "IAMUser", "principalId": user.pid, "accountId": ACCOUNT, "accessKeyId": "", "userName": user.name}
    extra = {"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_"
             + "%016x" % rng.getrandbits(64), "MobileVersion": "No"}
    if success and mfa:
        extra["MFAIdentifier"] = mfa_id
    extra["MFAUsed"] = "Yes" if (success and mfa) else "No"
    return event(rng, t, ident, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", ip, ua, None,
                 {"ConsoleLogin": "Success" if success else "Failure"},
                 None if success else (None, "Failed authentication"), extra, etype="AwsConsoleSignIn",
                 host="us-east-1.signin.aws.amazon.com" if user is None else "signin.aws.amazon.com")

def console_login_failed(rng, t, user, ip, ua=BROWSER):
    return console_login(rng, t, user, ip, ua, success=False)

def root_activity(rng, t, source, name, region="us-east-1", req=None, ip="203.0.113.10", read_only=True, resp=None, since=None):
    """API call made in the root user's console session."""
    return event(rng, t, root_ident(t, console=True, since=since), source, name, region, ip, "AWS Internal", req, resp,
                 read_only=read_only, console=True)

def root_service_invoked(rng, t):
    """Root identity with invokedBy: made by AWS Support on the account's behalf (not 'root usage')."""
    return event(rng, t, root_ident(t, invoked_by="support.amazonaws.com"), "support.amazonaws.com",
                 "DescribeTrustedAdvisorChecks", "us-east-1", "support.amazonaws.com", "support.amazonaws.com",
                 {"language": "en"}, None, read_only=True)

def iam_call(rng, t, ident, ip, ua, name, req, resp=None, read_only=False, error=None):
    return event(rng, t, ident, "iam.amazonaws.com", name, "us-east-1", ip, ua, req, resp, error, read_only=read_only)

def ec2_call(rng, t, ident, ip, ua, region, name, req, resp=None, read_only=False, error=None, console=False):
    if resp is not None and "requestId" not in resp:
        resp = dict(requestId=uid(rng), **resp)
    return event(rng, t, ident, "ec2.amazonaws.com", name, region, ip, ua, req, resp, error,
                 read_only=read_only, console=console)

def run_instances(rng, t, ident, ip, ua, region, itype, ami="ami-0c7217cdde317cfec", subnet="subnet-0b1c2d3e4f5a69788"):
    az = region + "a"
    iid, eni = hexid(rng, "i-"), hexid(rng, "eni-")
    priv = "10.%d.%d.%d" % (10 if region == "us-east-1" else 20, rng.randint(0, 255), rng.randint(4, 250))
    req = {"instancesSet": {"items": [{"imageId": ami, "minCount": 1, "maxCount": 1}]}, "instanceType": itype,
           "blockDeviceMapping": {}, "monitoring": {"enabled": False}, "subnetId": subnet,
           "disableApiTermination": False, "disableApiStop": False, "clientToken": uid(rng),
           "metadataOptions": {"httpTokens": "required"}}
    resp = {"reservationId": hexid(rng, "r-"), "ownerId": ACCOUNT, "groupSet": {}, "instancesSet": {"items": [{
        "instanceId": iid, "imageId": ami, "instanceState": {"code": 0, "name": "pending"},
        "privateDnsName": "ip-%s.%s.compute.internal" % (priv.replace(".", "-"), region), "amiLaunchIndex": 0,
        "productCodes": {}, "instanceType": itype, "launchTime": t * 1000,
        "placement": {"availabilityZone": az, "tenancy": "default"}, "monitoring": {"state": "disabled"},
        "subnetId": subnet, "vpcId": "vpc-0a9b8c7d6e5f40312", "privateIpAddress": priv,
        "stateReason": {"code": "pending", "message": "pending"}, "architecture": "x86_64",
        "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "blockDeviceMapping": {},
        "virtualizationType": "hvm", "hypervisor": "xen",
        "networkInterfaceSet": {"items": [{"networkInterfaceId": eni, "subnetId": subnet, "ownerId": ACCOUNT,
                                           "status": "in-use", "privateIpAddress": priv, "interfaceType": "interface"}]},
        "ebsOptimized": False, "enaSupport": True, "cpuOptions": {"coreCount": 1, "threadsPerCore": 2}}]}}
    return ec2_call(rng, t, ident, ip, ua, region, "RunInstances", req, resp)

def get_secret(rng, t, ident, ip, ua, region, secret):
    """GetSecretValue plus the KMS Decrypt that Secrets Manager makes on the caller's behalf."""
    sarn = "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (region, ACCOUNT, secret, fake_id("", secret, 6).lower())
    out = [event(rng, t, ident, "secretsmanager.amazonaws.com", "GetSecretValue", region, ip, ua,
                 {"secretId": sarn}, None, read_only=True)]
    inv = dict(ident, invokedBy="secretsmanager.amazonaws.com")
    out.append(event(rng, t, inv, "kms.amazonaws.com", "Decrypt", region, "secretsmanager.amazonaws.com",
                     "secretsmanager.amazonaws.com",
                     {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"SecretARN": sarn, "SecretVersionId": uid(rng).upper()}},
                     None, read_only=True, resources=[{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": kms_key(region)}]))
    return out

def kms_rotate(rng, t, region):
    """AwsServiceEvent in the documented shape (userIdentity: accountId + invokedBy only)."""
    key = kms_key(region)
    return event(rng, t, {"accountId": ACCOUNT, "invokedBy": "AWS Internal"}, "kms.amazonaws.com", "RotateKey",
                 region, "AWS Internal", "AWS Internal", None, None,
                 resources=[{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key}], etype="AwsServiceEvent",
                 details={"rotationType": "AUTOMATIC", "keyId": key.rsplit("/", 1)[1]})

def assume_role(rng, t, ident, ip, ua, role, session, region="us-east-1", duration=3600):
    key = fake_id("ASIA", "%s-%s-%d" % (role.name, session, t // 3600))
    resp = {"credentials": {"accessKeyId": key, "sessionToken": "IQoJb3JpZ2luX2VjE" + b64(rng, 330),
                            "expiration": human_ts(t + duration)},
            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role.rid, session),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role.name, session)}}
    return event(rng, t, ident, "sts.amazonaws.com", "AssumeRole", region, ip, ua,
                 {"roleArn": role.arn, "roleSessionName": session, "durationSeconds": duration}, resp,
                 read_only=True, resources=[{"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": role.arn}],
                 tls=not ident.get("type") == "AWSService")

# ---------------------------------------------------------------- background traffic
# Who makes ordinary calls: returns (identity, sourceIPAddress, userAgent, console session?, vpcEndpointId).
def who_human(rng, t, region, api):
    u = rng.choice(HUMANS)
    if rng.random() < 0.55:
        return u.ident(t, console=True), u.ip, "AWS Internal" if api != "ec2" else "console.ec2.amazonaws.com", True, None
    return u.ident(), u.ip, CLI % api, False, None

def who_orgadmin(rng, t, region, api):
    return ORG_ROLE.ident("jane.doe", t, mfa=True), "203.0.113.30", "AWS Internal", True, None

def who_ci(rng, t, region, api):
    return CI.ident(), CI.ip, TERRAFORM % api, False, None

def who_ec2(rng, t, region, api):     # the eu-central-1 instance reaches AWS through VPC endpoints
    iid, ip = inst(region)
    vpce = "vpce-0e1d2c3b4a5968778" if region == "eu-central-1" else None
    return (EC2_ROLE.ident(iid, t, ec2=True), "10.20.1.37" if vpce else ip,
            SSM_AGENT if api == "ssm" else BOTO3, False, vpce)

def who_lambda(rng, t, region, api):
    return (LAMBDA_ROLE.ident("order-processor", t), "192.0.2.%d" % rng.randint(200, 220),
            "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227 md/arch#x86_64 lang/python#3.12.7 exec-env/AWS_Lambda_python3.12 Botocore/1.34.145",
            False, None)

def who_monitor(rng, t, region, api):
    return MONITOR_ROLE.ident("monitoring-%s" % MONITOR_ACCOUNT[:4], t), "192.0.2.150", SDK_GO % api, False, None

def who_config(rng, t, region, api):
    return (CONFIG_ROLE.ident("AWSConfig-Describe", t, invoked_by="config.amazonaws.com"),
            "config.amazonaws.com", "config.amazonaws.com", False, None)

def who_exporter(rng, t, region, api):
    return EXPORTER.ident(), EXPORTER.ip, BOTO3, False, None

P = lambda **kw: (lambda rng, region: kw)      # constant requestParameters
def p_instances(rng, region):
    return {"instancesSet": {"items": [{"instanceId": inst(region)[0]}]} if rng.random() < 0.4 else {},
            "filterSet": {}}
def p_param(rng, region):
    return {"name": rng.choice(("/web-app/prod/db-host", "/web-app/prod/feature-flags", "/web-app/prod/log-level")),
            "withDecryption": True}
def p_metric(rng, region):
    return {"metricDataQueries": [{"id": "m%d" % i, "metricStat": {"metric": {"namespace": ns, "metricName": m},
             "period": 60, "stat": "Average"}} for i, (ns, m) in enumerate(rng.sample(
             [("AWS/EC2", "CPUUtilization"), ("AWS/Lambda", "Errors"), ("AWS/RDS", "FreeStorageSpace"),
              ("AWS/Lambda", "Duration"), ("AWS/EC2", "NetworkIn"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible")], 2))],
            "startTime": "Nov 20, 2026, 12:00:00 AM", "endTime": "Nov 20, 2026, 12:05:00 AM"}
def p_role(rng, region):
    return {"roleName": rng.choice((EC2_ROLE.name, LAMBDA_ROLE.name, MONITOR_ROLE.name, ORG_ROLE.name))}
def p_bucket(rng, region):
    return rng.choice(BUCKETS)
def p_log_stream(rng, region):
    return {"logGroupName": "/aws/lambda/order-processor",
            "logStreamName": "2026/11/20/[$LATEST]%032x" % rng.getrandbits(128)}

# (weight, actor, eventSource prefix, eventName, readOnly, requestParameters factory)
BACKGROUND = [
    (7, who_ec2, "ssm", "UpdateInstanceInformation", False, lambda rng, r: {
        "instanceId": inst(r)[0], "agentVersion": "3.3.1142.0", "agentStatus": "Active", "platformType": "Linux",
        "platformName": "Amazon Linux", "platformVersion": "2023", "iPAddress": "10.10.3.17",
        "computerName": "ip-10-10-3-17.ec2.internal", "agentName": "amazon-ssm-agent"}),
    (6, who_ec2, "ssm", "GetParameter", True, p_param),
    (3, who_ec2, "ec2", "DescribeTags", True, P(filterSet={"items": [{"name": "resource-type", "valueSet": {"items": [{"value": "instance"}]}}]})),
    (5, who_lambda, "dynamodb", "DescribeTable", True, P(tableName="orders")),
    (5, who_lambda, "logs", "CreateLogStream", False, p_log_stream),
    (7, who_monitor, "monitoring", "GetMetricData", True, p_metric),
    (4, who_monitor, "monitoring", "DescribeAlarms", True, P(maxRecords=100)),
    (2, who_monitor, "tagging", "GetResources", True, P(resourcesPerPage=100, resourceTypeFilters=["ec2:instance", "rds:db"])),
    (3, who_monitor, "ec2", "DescribeInstances", True, p_instances),
    (2, who_monitor, "rds", "DescribeDBInstances", True, P(maxRecords=100)),
    (2, who_monitor, "lambda", "ListFunctions20150331", True, None),
    (4, who_config, "ec2", "DescribeSecurityGroups", True, P(securityGroupSet={}, securityGroupIdSet={}, filterSet={})),
    (2, who_config, "ec2", "DescribeVpcs", True, P(vpcSet={}, filterSet={})),
    (2, who_config, "iam", "GetRole", True, p_role),
    (4, who_ci, "ec2", "DescribeVpcs", True, P(vpcSet={"items": [{"vpcId": "vpc-0a9b8c7d6e5f40312"}]}, filterSet={})),
    (2, who_ci, "ec2", "DescribeSecurityGroups", True, P(securityGroupSet={}, securityGroupIdSet={"items": [{"groupId": "sg-0123456789abcdef0"}]}, filterSet={})),
    (2, who_ci, "ec2", "DescribeRouteTables", True, P(routeTableIdSet={}, filterSet={"items": [{"name": "vpc-id", "valueSet": {"items": [{"value": "vpc-0a9b8c7d6e5f40312"}]}}]})),
    (4, who_ci, "iam", "GetRole", True, p_role),
    (3, who_ci, "iam", "ListAttachedRolePolicies", True, p_role),
    (1, who_ci, "iam", "GetPolicy", True, P(policyArn="arn:aws:iam::%s:policy/ci-deploy-boundary" % ACCOUNT)),
    (3, who_ci, "s3", "GetBucketPolicy", True, p_bucket),
    (2, who_ci, "s3", "GetBucketVersioning", True, p_bucket),
    (2, who_ci, "s3", "GetBucketPublicAccessBlock", True, p_bucket),
    (1, who_ci, "lambda", "GetFunction20150331v2", True, P(functionName="order-processor")),
    (3, who_ci, "sts", "GetCallerIdentity", True, None),
    (6, who_human, "ec2", "DescribeInstances", True, p_instances),
    (3, who_human, "ec2", "DescribeSecurityGroups", True, P(securityGroupSet={}, securityGroupIdSet={}, filterSet={})),
    (4, who_human, "s3", "ListBuckets", True, None),
    (3, who_human, "s3", "GetBucketAcl", True, p_bucket),
    (3, who_human, "iam", "ListUsers", True, None),
    (3, who_human, "iam", "ListRoles", True, None),
    (3, who_human, "cloudtrail", "LookupEvents", True, P(maxResults=50, lookupAttributes=[{"attributeKey": "ReadOnly", "attributeValue": "false"}])),
    (2, who_human, "cloudtrail", "DescribeTrails", True, P(includeShadowTrails=True)),
    (3, who_human, "logs", "DescribeLogGroups", True, P(limit=50)),
    (2, who_human, "secretsmanager", "ListSecrets", True, P(maxResults=100)),
    (2, who_human, "kms", "ListAliases", True, P(limit=100)),
    (3, who_human, "lambda", "ListFunctions20150331", True, None),
    (2, who_human, "sts", "GetCallerIdentity", True, None),
    (2, who_orgadmin, "ec2", "DescribeInstances", True, p_instances),
    (1, who_orgadmin, "iam", "GetAccountSummary", True, None),
    (1, who_exporter, "s3", "ListBuckets", True, None),
    (1, who_exporter, "ce", "GetCostAndUsage", True, P(granularity="DAILY", metrics=["UnblendedCost"], timePeriod={"start": "2026-11-01", "end": "2026-11-20"})),
    (1, who_exporter, "iam", "ListAccountAliases", True, None),       # always AccessDenied (misconfigured)
]
SPECIAL = [  # non-table background (weight, name): handled in background_event
    (6, "kms"), (4, "assume-svc"), (1, "assume-user"), (1.2, "login")]
_ENTRIES = BACKGROUND + SPECIAL
_HUMANLIKE = (who_human, who_orgadmin, "login", "assume-user")

def _is_global(e):                    # entries whose records always land in us-east-1
    return e[1] in ("assume-svc", "assume-user", "login") or (len(e) > 2 and e[2] in GLOBAL + ("s3",))

def _cum(night, regional):
    acc, out = 0.0, []
    for e in _ENTRIES:
        w = 0.0 if regional and _is_global(e) else e[0] * (0.08 if night and e[1] in _HUMANLIKE else 1.0)
        acc += w
        out.append(acc)
    return out
_CUM = {(n, r): _cum(n, r) for n in (False, True) for r in (False, True)}

def background_event(rng, t, regions=REGIONS):
    """One ordinary (non-alarming) management event at time t. Returns a list of 1-2 records."""
    hour = (t // 3600) % 24           # humans mostly work 07-19 UTC; "us-east-1" not in regions: regional calls only
    e = rng.choices(_ENTRIES, cum_weights=_CUM[hour < 7 or hour >= 19, "us-east-1" not in regions])[0]
    region = regions[0] if rng.random() < 0.55 else rng.choice(regions)
    if len(e) == 2:
        kind = e[1]
        if kind == "kms":               # data keys / decrypts made by services for our roles
            svc = rng.choice(("s3.amazonaws.com", "ssm.amazonaws.com", "lambda.amazonaws.com", "sqs.amazonaws.com"))
            role = LAMBDA_ROLE if svc != "ssm.amazonaws.com" else EC2_ROLE
            sess = "order-processor" if role is LAMBDA_ROLE else inst(region)[0]
            name = rng.choice(("Decrypt", "GenerateDataKey"))
            req = {"encryptionContext": {
                "s3.amazonaws.com": {"aws:s3:arn": "arn:aws:s3:::acme-data-lake/orders/2026/11/%08x.parquet" % rng.getrandbits(32)},
                "ssm.amazonaws.com": {"PARAMETER_ARN": "arn:aws:ssm:%s:%s:parameter/web-app/prod/db-password" % (region, ACCOUNT)},
                "lambda.amazonaws.com": {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:order-processor" % (region, ACCOUNT)},
                "sqs.amazonaws.com": {"aws:sqs:arn": "arn:aws:sqs:%s:%s:orders" % (region, ACCOUNT)}}[svc]}
            req["keySpec" if name == "GenerateDataKey" else "encryptionAlgorithm"] = "AES_256" if name == "GenerateDataKey" else "SYMMETRIC_DEFAULT"
            return [event(rng, t, role.ident(sess, t, invoked_by=svc), "kms.amazonaws.com", name, region, svc, svc, req, None,
                          read_only=True, resources=[{"accountId": ACCOUNT, "type": "AWS::KMS::Key",
                                                      "ARN": kms_key(region)}])]
        if kind == "assume-svc":        # services assuming our roles (AWSService identity)
            svc, role, sess = rng.choice((("lambda.amazonaws.com", LAMBDA_ROLE, "order-processor"),
                                          ("ec2.amazonaws.com", EC2_ROLE, INSTANCES["us-east-1"][0]),
                                          ("config.amazonaws.com", CONFIG_ROLE, "AWSConfig-Describe")))
            return [assume_role(rng, t, service_ident(svc), svc, svc, role, sess)]
        if kind == "assume-user":       # CI assumes its plan role; an org admin comes in from the management account
            if rng.random() < 0.5:
                return [assume_role(rng, t, CI.ident(), CI.ip, TERRAFORM % "sts", TF_ROLE, "terraform-plan", duration=900)]
            who = {"type": "AWSAccount", "principalId": fake_id("AROA", "mgmt-admin", 17) + ":jane.doe", "accountId": MGMT_ACCOUNT}
            return [assume_role(rng, t, who, "203.0.113.30", "AWS Internal", ORG_ROLE, "jane.doe")]
        u = rng.choice((ALICE, CAROL, DAVE, ERIN))   # "login": routine MFA console sign-in
        return [console_login(rng, t, u, u.ip, u.ua)]
    _, actor, api, name, ro, pfn = e
    ident, ip, ua, console, vpce = actor(rng, t, region, api)
    error = None
    if actor is who_exporter and (name == "ListAccountAliases" or rng.random() < 0.3):
        error = denied(ident, api + ".amazonaws.com", name)
    elif actor in (who_human, who_ci) and rng.random() < 0.015:
        error = denied(ident, api + ".amazonaws.com", name)
    elif actor is who_monitor and rng.random() < 0.01:
        error = ("ThrottlingException", "Rate exceeded")
    if api == "s3":
        bucket = pfn(rng, region) if pfn else None
        if bucket is None:
            return [event(rng, t, ident, "s3.amazonaws.com", name, "us-east-1", ip, ua, {"Host": "s3.amazonaws.com"},
                          None, error, {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                        "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader",
                                        "x-amz-id-2": b64(rng, 56), "bytesTransferredOut": rng.randint(900, 2400)},
                          read_only=True, host="s3.amazonaws.com", console=console)]
        sub = {"GetBucketPolicy": "policy", "GetBucketVersioning": "versioning", "GetBucketAcl": "acl",
               "GetBucketPublicAccessBlock": "publicAccessBlock"}[name]
        return [s3_event(rng, t, ident, name, bucket, ip, ua, {sub: ""}, error, console=console)]
    req = pfn(rng, region) if pfn else None
    return [event(rng, t, ident, api + ".amazonaws.com", name, region, ip, ua, req, None, error,
                  read_only=ro, console=console, vpce=vpce)]

# ---------------------------------------------------------------- security scenarios
def _burst(start, gaps):                       # cumulative offsets -> list of times
    out, t = [], start
    for g in gaps:
        t += g
        out.append(t)
    return out

def sm(t):                                      # svc-maint (attacker-created user) identity
    return SVC_MAINT.ident(key=SVC_MAINT_KEY)
SVC_MAINT_KEY = fake_id("AKIA", "svc-maint-created")

def sc_isolated_logins(rng, t0, region):
    """Single failed logins (typos) spread over the day: must NOT alarm."""
    return [console_login_failed(rng, t0, ALICE, ALICE.ip, ALICE.ua),                  # 02:17:40
            console_login(rng, t0 + 25, ALICE, ALICE.ip, ALICE.ua),                       # 02:18:05
            console_login_failed(rng, t0 + 19475, DAVE, DAVE.ip, DAVE.ua),                # 07:42:15
            console_login(rng, t0 + 19510, DAVE, DAVE.ip, DAVE.ua),                       # 07:42:50
            console_login_failed(rng, t0 + 60470, ERIN, "192.0.2.44", ERIN.ua)]           # 19:05:30

def sc_brute_force(rng, t0, region):
    """6 failed logins for bob from one IP in <4 min, then success without MFA."""
    ip = "203.0.113.66"
    out = [console_login_failed(rng, t, BOB, ip) for t in _burst(t0, (0, 43, 42, 32, 53, 45))]
    out.append(console_login(rng, t0 + 255, BOB, ip, BROWSER, success=True, mfa=False))
    return out

def sc_unauthorized(rng, t0, region):
    """Attacker in bob's console session probes: 13 authorization failures in 3.7 min."""
    ip, ident = "203.0.113.66", BOB.ident(t0, console=True, mfa=False, since=t0 - 100)   # login at 03:15:20
    calls = [("iam", "ListUsers", None), ("iam", "ListRoles", None), ("iam", "GetAccountAuthorizationDetails", None),
             ("iam", "ListAccessKeys", {"userName": "alice"}), ("ec2", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
             ("ec2", "DescribeSecurityGroups", {"securityGroupSet": {}, "filterSet": {}}), ("s3", "GetBucketPolicy", None),
             ("ec2", "DescribeSnapshots", {"ownersSet": {"items": [{"owner": "self"}]}}), ("iam", "ListPolicies", {"scope": "Local"}),
             ("ec2", "DescribeVolumes", {"volumeSet": {}, "filterSet": {}}), ("s3", "GetBucketAcl", None),
             ("organizations", "DescribeOrganization", None), ("ec2", "DescribeKeyPairs", {"keySet": {}, "filterSet": {}})]
    out = [event(rng, t0 - 20, ident, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", ip, "AWS Internal", read_only=True, console=True)]
    for i, (svc, name, req) in enumerate(calls):
        t, r = t0 + i * 17, ("eu-central-1" if i % 2 else "us-east-1")
        err = denied(ident, svc + ".amazonaws.com", name)
        if svc == "s3":
            out.append(s3_event(rng, t, ident, name, "acme-customer-exports", ip, "[S3Console/0.4]", {"policy" if "Policy" in name else "acl": ""}, err, console=True))
        else:
            out.append(event(rng, t, ident, svc + ".amazonaws.com", name, r, ip, "AWS Internal", req, None, err, read_only=True, console=True))
    return out

def sc_new_principals(rng, t0, region):
    """Leaked ci-deploy key used from outside: new user + login profile + access key + role."""
    ip, ua, ident = "198.51.100.23", CLI % "iam.create-user", CI.ident()
    u = "svc-maint"
    return [
        event(rng, t0, ident, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", ip, CLI % "sts.get-caller-identity", read_only=True),
        iam_call(rng, t0 + 20, ident, ip, ua, "CreateUser", {"userName": u}, {"user": {
            "path": "/", "userName": u, "userId": SVC_MAINT.pid, "arn": SVC_MAINT.arn, "createDate": human_ts(t0 + 20, False)}}),
        iam_call(rng, t0 + 50, ident, ip, CLI % "iam.create-login-profile", "CreateLoginProfile",
                 {"userName": u, "passwordResetRequired": False}, {"loginProfile": {
                     "userName": u, "createDate": human_ts(t0 + 50, False), "passwordResetRequired": False}}),
        iam_call(rng, t0 + 75, ident, ip, CLI % "iam.create-access-key", "CreateAccessKey", {"userName": u},
                 {"accessKey": {"userName": u, "accessKeyId": SVC_MAINT_KEY, "status": "Active", "createDate": human_ts(t0 + 75, False)}}),
        iam_call(rng, t0 + 130, ident, ip, CLI % "iam.create-role", "CreateRole", {
            "roleName": "ops-support-role", "assumeRolePolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % EXTERNAL_ACCOUNT}, "Action": "sts:AssumeRole"}]})},
            {"role": {"path": "/", "roleName": "ops-support-role", "roleId": fake_id("AROA", "ops-support-role", 17),
                      "arn": "arn:aws:iam::%s:role/ops-support-role" % ACCOUNT, "createDate": human_ts(t0 + 130, False)}}),
    ]

def sc_policy_changes(rng, t0, region):
    """CIS 'IAM policy changes' + permission changes by the leaked ci-deploy key."""
    ip, ident = "198.51.100.23", CI.ident()
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    steps = [("AttachUserPolicy", {"userName": "svc-maint", "policyArn": admin}),
             ("PutUserPolicy", {"userName": "svc-maint", "policyName": "maint", "policyDocument": doc}),
             ("AttachRolePolicy", {"roleName": "ops-support-role", "policyArn": admin}),
             ("CreatePolicyVersion", {"policyArn": "arn:aws:iam::%s:policy/ci-deploy-boundary" % ACCOUNT, "policyDocument": doc, "setAsDefault": True}),
             ("DeleteRolePolicy", {"roleName": EC2_ROLE.name, "policyName": "deny-iam-writes"}),
             ("AddUserToGroup", {"groupName": "Admins", "userName": "svc-maint"}),
             ("UpdateAssumeRolePolicy", {"roleName": EC2_ROLE.name, "policyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::%s:root" % EXTERNAL_ACCOUNT}, "Action": "sts:AssumeRole"}]})})]
    out = []
    for i, (name, req) in enumerate(steps):
        resp = {"policyVersion": {"versionId": "v4", "isDefaultVersion": True, "createDate": human_ts(t0 + i * 40, False)}} if name == "CreatePolicyVersion" else None
        out.append(iam_call(rng, t0 + i * 40 + (i % 3) * 5, ident, ip, CLI % ("iam." + name), name, req, resp))
    return out

def sc_network(rng, t0, region):
    """svc-maint builds an internet-facing path: VPC, IGW, route, NACL, SSH open to the world."""
    ip, ident = SVC_MAINT.ip, sm(t0)
    ua = lambda c: CLI % ("ec2." + c)
    vpc, igw, rtb, sg = "vpc-0d15ea5e0badcafe1", "igw-0b1e55ed0c0ffee01", "rtb-0a11ce0b0b0ca7011", "sg-0ba5eba11c0de0001"
    perm22 = {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
                         "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}
    steps = [
        (0, "CreateVpc", {"cidrBlock": "10.99.0.0/16", "instanceTenancy": "default"}, {"vpc": {"vpcId": vpc, "state": "pending", "cidrBlock": "10.99.0.0/16"}}),
        (25, "ModifyVpcAttribute", {"vpcId": vpc, "enableDnsHostnames": {"value": True}}, {"_return": True}),
        (50, "CreateInternetGateway", {}, {"internetGateway": {"internetGatewayId": igw, "ownerId": ACCOUNT, "attachmentSet": {}}}),
        (70, "AttachInternetGateway", {"internetGatewayId": igw, "vpcId": vpc}, {"_return": True}),
        (100, "CreateRoute", {"routeTableId": rtb, "destinationCidrBlock": "0.0.0.0/0", "gatewayId": igw}, {"_return": True}),
        (130, "ReplaceRouteTableAssociation", {"associationId": "rtbassoc-0f00dfeed0000b0a1", "routeTableId": rtb},
         {"newAssociationId": "rtbassoc-0c0ffee0000b0a1d2"}),
        (160, "CreateNetworkAclEntry", {"networkAclId": "acl-0dead0beef0000001", "ruleNumber": 100, "egress": False, "ruleAction": "allow",
                                        "icmpTypeCode": {}, "portRange": {}, "aclProtocol": "-1", "cidrBlock": "0.0.0.0/0"}, {"_return": True}),
        (200, "CreateSecurityGroup", {"groupName": "maint-ssh", "groupDescription": "maintenance", "vpcId": vpc}, {"_return": True, "groupId": sg}),
        (225, "AuthorizeSecurityGroupIngress", {"groupId": sg, "ipPermissions": perm22}, {"_return": True, "securityGroupRuleSet": {"items": [{
            "groupOwnerId": ACCOUNT, "groupId": sg, "securityGroupRuleId": "sgr-0e1e2e3e4e5e6e7e8", "isEgress": False,
            "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}]}}),
        (250, "RevokeSecurityGroupEgress", {"groupId": sg, "ipPermissions": {"items": [{"ipProtocol": "-1", "groups": {},
            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}}, {"_return": True}),
    ]
    return [ec2_call(rng, t0 + dt, ident, ip, ua(n), region, n, req, resp) for dt, n, req, resp in steps]

def sc_cryptomining(rng, t0, region):
    """Stolen EC2 instance-role credentials used from outside AWS: 22 GPU RunInstances in 8.5 min."""
    iid = INSTANCES["us-east-1"][0]
    ident = EC2_ROLE.ident(iid, t0, ec2=True)
    types = ("p3.16xlarge", "g4dn.12xlarge")
    return [run_instances(rng, t0 + i * 24 + rng.randint(0, 6), ident, "198.51.100.77", CLI % "ec2.run-instances",
                          region, types[i % 2], ami="ami-0e5f9c7a2b1d3c4e6", subnet="subnet-0c1d2e3f4a5b6c7d8") for i in range(22)]

def sc_normal_runinstances(rng, t0, region):
    return [run_instances(rng, t0, CI.ident(), CI.ip, TERRAFORM % "ec2", region, "t3.micro")]

def sc_s3_exposure(rng, t0, region):
    """Make a bucket public: disable Block Public Access, public policy and ACL."""
    ip, ident, b = SVC_MAINT.ip, sm(t0), "acme-customer-exports"
    pab = {"PublicAccessBlock": "", "PublicAccessBlockConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
           "RestrictPublicBuckets": False, "BlockPublicPolicy": False, "BlockPublicAcls": False, "IgnorePublicAcls": False}}
    pol = {"policy": "", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "public", "Effect": "Allow",
           "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b}]}}
    acl = {"acl": "", "AccessControlPolicy": {"AccessControlList": {"Grant": [{"Grantee": {
           "xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}}}
    return [s3_event(rng, t0, ident, "PutBucketPublicAccessBlock", b, ip, CLI % "s3api.put-public-access-block", pab, read_only=False),
            s3_event(rng, t0 + 35, ident, "DeleteBucketPublicAccessBlock", "acme-data-lake", ip, CLI % "s3api.delete-public-access-block", {"publicAccessBlock": ""}, read_only=False),
            s3_event(rng, t0 + 80, ident, "PutBucketPolicy", b, ip, CLI % "s3api.put-bucket-policy", pol, read_only=False),
            s3_event(rng, t0 + 125, ident, "PutBucketAcl", b, ip, CLI % "s3api.put-bucket-acl", acl, read_only=False)]

def sc_root(rng, t0, region):
    """Root: one failed then one successful MFA console login, then console API calls."""
    ip = "203.0.113.10"
    out = [console_login_failed(rng, t0, None, ip, FIREFOX),
           console_login(rng, t0 + 35, None, ip, FIREFOX, success=True, mfa=True)]
    s = t0 + 35
    out += [root_activity(rng, t0 + 120, "iam.amazonaws.com", "GetAccountSummary", since=s),
            root_activity(rng, t0 + 200, "iam.amazonaws.com", "ListMFADevices", since=s),
            root_activity(rng, t0 + 270, "s3.amazonaws.com", "ListBuckets", req={"Host": "s3.amazonaws.com"}, since=s),
            root_activity(rng, t0 + 370, "iam.amazonaws.com", "UpdateAccountPasswordPolicy", read_only=False, since=s, req={
                "minimumPasswordLength": 8, "requireSymbols": False, "requireNumbers": False, "requireUppercaseCharacters": False,
                "requireLowercaseCharacters": False, "allowUsersToChangePassword": True, "maxPasswordAge": 0}),
            root_activity(rng, t0 + 475, "ec2.amazonaws.com", "DescribeInstances", "eu-central-1", {"instancesSet": {}, "filterSet": {}}, since=s),
            root_activity(rng, t0 + 620, "account.amazonaws.com", "GetContactInformation", since=s)]
    return out

def sc_root_invoked(rng, t0, region):
    return [root_service_invoked(rng, t0)]

def sc_mfa_disabled(rng, t0, region):
    ip, ident, ser = SVC_MAINT.ip, sm(t0), "arn:aws:iam::%s:mfa/dave" % ACCOUNT
    return [iam_call(rng, t0, ident, ip, CLI % "iam.deactivate-mfa-device", "DeactivateMFADevice", {"userName": "dave", "serialNumber": ser}),
            iam_call(rng, t0 + 22, ident, ip, CLI % "iam.delete-virtual-mfa-device", "DeleteVirtualMFADevice", {"serialNumber": ser})]

def sc_kms(rng, t0, region):
    ip, ident, key = SVC_MAINT.ip, sm(t0), kms_key(region)
    res = [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key}]
    return [event(rng, t0, ident, "kms.amazonaws.com", "DisableKey", region, ip, CLI % "kms.disable-key", {"keyId": key.rsplit("/", 1)[1]}, None, resources=res),
            event(rng, t0 + 52, ident, "kms.amazonaws.com", "ScheduleKeyDeletion", region, ip, CLI % "kms.schedule-key-deletion",
                  {"keyId": key.rsplit("/", 1)[1], "pendingWindowInDays": 7}, {"keyId": key, "deletionDate": human_ts(t0 + 7 * 86400),
                  "keyState": "PendingDeletion", "pendingWindowInDays": 7}, resources=res)]

def sc_rds(rng, t0, region):
    ip, ident, out = SVC_MAINT.ip, sm(t0), []
    for dt, snap, who in ((0, "orders-db-2026-11-19", "all"), (155, "customers-db-2026-11-19", EXTERNAL_ACCOUNT)):
        out.append(event(rng, t0 + dt, ident, "rds.amazonaws.com", "ModifyDBSnapshotAttribute", region, ip, CLI % "rds.modify-db-snapshot-attribute",
                         {"dBSnapshotIdentifier": snap, "attributeName": "restore", "valuesToAdd": [who]},
                         {"dBSnapshotIdentifier": snap, "dBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": [who]}]}))
    return out

def sc_ebs_snapshot(rng, t0, region):
    """An EBS snapshot of the orders database volume shared with the attacker's account."""
    ip, ident, snap = SVC_MAINT.ip, sm(t0), "snap-0c0ffee5a1e5d0b01"
    return [ec2_call(rng, t0, ident, ip, CLI % "ec2.modify-snapshot-attribute", region, "ModifySnapshotAttribute",
                     {"snapshotId": snap, "createVolumePermission": {"add": {"items": [{"userId": EXTERNAL_ACCOUNT}]}},
                      "attributeType": "CREATE_VOLUME_PERMISSION"}, {"_return": True})]

def sc_secrets_burst(rng, t0, region):
    """15 GetSecretValue (each + KMS Decrypt) by svc-maint in 2m48s."""
    out = []
    for i, s in enumerate(SECRETS):
        out += get_secret(rng, t0 + i * 12, sm(t0), SVC_MAINT.ip, CLI % "secretsmanager.get-secret-value", region, s)
    return out

def sc_cloudtrail(rng, t0, region):
    ip, ident = SVC_MAINT.ip, sm(t0)
    trail = "arn:aws:cloudtrail:us-east-1:%s:trail/security-audit-trail" % ACCOUNT
    return [event(rng, t0, ident, "cloudtrail.amazonaws.com", "StopLogging", "us-east-1", ip, CLI % "cloudtrail.stop-logging", {"name": trail}),
            event(rng, t0 + 75, ident, "cloudtrail.amazonaws.com", "UpdateTrail", "us-east-1", ip, CLI % "cloudtrail.update-trail",
                  {"name": trail, "s3BucketName": "maint-archive-%s" % EXTERNAL_ACCOUNT, "isMultiRegionTrail": False},
                  {"name": "security-audit-trail", "s3BucketName": "maint-archive-%s" % EXTERNAL_ACCOUNT, "trailARN": trail,
                   "isMultiRegionTrail": False, "logFileValidationEnabled": False, "isOrganizationTrail": False}),
            event(rng, t0 + 155, ident, "cloudtrail.amazonaws.com", "DeleteTrail", "eu-central-1", ip, CLI % "cloudtrail.delete-trail",
                  {"name": "arn:aws:cloudtrail:eu-central-1:%s:trail/eu-data-events" % ACCOUNT})]

def sc_config(rng, t0, region):
    ip, ident = SVC_MAINT.ip, sm(t0)
    return [event(rng, t0, ident, "config.amazonaws.com", "StopConfigurationRecorder", region, ip, CLI % "configservice.stop-configuration-recorder",
                  {"configurationRecorderName": "default"}),
            event(rng, t0 + 40, ident, "config.amazonaws.com", "DeleteDeliveryChannel", region, ip, CLI % "configservice.delete-delivery-channel",
                  {"deliveryChannelName": "default"}),
            event(rng, t0 + 75, ident, "config.amazonaws.com", "DeleteConfigRule", region, ip, CLI % "configservice.delete-config-rule",
                  {"configRuleName": "restricted-ssh"})]

def sc_account_org(rng, t0, region):
    ip, ident = SVC_MAINT.ip, sm(t0)
    return [event(rng, t0, ident, "account.amazonaws.com", "PutAlternateContact", "us-east-1", ip, CLI % "account.put-alternate-contact",
                  {"alternateContactType": "SECURITY", "emailAddress": "HIDDEN_DUE_TO_SECURITY_REASONS",
                   "name": "HIDDEN_DUE_TO_SECURITY_REASONS", "phoneNumber": "HIDDEN_DUE_TO_SECURITY_REASONS", "title": "HIDDEN_DUE_TO_SECURITY_REASONS"}),
            event(rng, t0 + 70, ident, "guardduty.amazonaws.com", "DeleteDetector", region, ip, CLI % "guardduty.delete-detector",
                  {"detectorId": "c2b6e8a1f3d94e7b8a5c0d1e2f3a4b5c"}),
            event(rng, t0 + 120, ident, "securityhub.amazonaws.com", "DisableSecurityHub", region, ip, CLI % "securityhub.disable-security-hub", {}),
            event(rng, t0 + 200, ident, "organizations.amazonaws.com", "LeaveOrganization", "us-east-1", ip, CLI % "organizations.leave-organization",
                  None, None, ("ConstraintViolationException", "The member account is missing one or more of the prerequisites required to operate as a standalone account."))]

def sc_monitoring_tampering(rng, t0, region):
    """svc-maint removes a metric filter from the CloudTrail log group, mutes an alarm, deletes VPC flow logs."""
    ip, ident = SVC_MAINT.ip, sm(t0)
    return [event(rng, t0, ident, "logs.amazonaws.com", "DeleteMetricFilter", region, ip, CLI % "logs.delete-metric-filter",
                  {"logGroupName": "/aws/cloudtrail/security-audit", "filterName": "FailedConsoleLogin"}),
            event(rng, t0 + 45, ident, "monitoring.amazonaws.com", "DisableAlarmActions", region, ip, CLI % "cloudwatch.disable-alarm-actions",
                  {"alarmNames": ["RootAccountUsage"]}),
            event(rng, t0 + 100, ident, "ec2.amazonaws.com", "DeleteFlowLogs", "eu-central-1", ip, CLI % "ec2.delete-flow-logs",
                  {"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": "fl-0a1b2c3d4e5f60718"}}},
                  {"DeleteFlowLogsResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": uid(rng), "unsuccessful": ""}})]

def sc_remediation(rng, t0, region):
    ident = ALICE.ident(t0, console=True, since=t0 - 600)
    return [event(rng, t0, ident, "cloudtrail.amazonaws.com", "StartLogging", "us-east-1", ALICE.ip, "AWS Internal",
                  {"name": "arn:aws:cloudtrail:us-east-1:%s:trail/security-audit-trail" % ACCOUNT}, console=True),
            iam_call(rng, t0 + 90, ident, ALICE.ip, "AWS Internal", "UpdateAccessKey", {"userName": "svc-maint", "accessKeyId": SVC_MAINT_KEY, "status": "Inactive"})]

def routine(rng, t0, region):
    """Benign, scheduled: hourly GetSecretValue by the Lambda, daily KMS key rotation."""
    out = []
    for h in range(24):
        out += get_secret(rng, t0 + h * 3600 + 420 + rng.randint(0, 90), LAMBDA_ROLE.ident("order-processor", t0 + h * 3600 + 420),
                          "192.0.2.%d" % rng.randint(200, 220), BOTO3, "us-east-1", "prod/orders/db")
    out += [kms_rotate(rng, t0 + 2467, "us-east-1"), kms_rotate(rng, t0 + 3153, "eu-central-1")]  # 00:41:07, 00:52:33
    return out

class Scenario:
    def __init__(self, name, start, region, fn, principal, ip, late=()):
        self.name, self.start, self.region, self.fn = name, start, region, fn
        self.principal, self.ip, self.late = principal, ip, late  # late: indexes of records delivered 10+ min late

    def records(self, rng, t0=None):
        return self.fn(rng, at(self.start) if t0 is None else t0, self.region)

SCENARIOS = [
    Scenario("routine", "00:00:00", "us-east-1", routine, "order-processor Lambda role, KMS", "192.0.2.200-220"),
    Scenario("isolated-failed-logins", "02:17:40", "us-east-1", sc_isolated_logins, "alice, dave, erin", "various"),
    Scenario("brute-force", "03:11:05", "us-east-1", sc_brute_force, "bob", "203.0.113.66", late=(2,)),
    Scenario("unauthorized-burst", "03:17:00", "us-east-1", sc_unauthorized, "bob (console session)", "203.0.113.66", late=(5,)),
    Scenario("new-principals", "04:05:10", "us-east-1", sc_new_principals, "ci-deploy (leaked key)", "198.51.100.23"),
    Scenario("iam-policy-changes", "04:10:05", "us-east-1", sc_policy_changes, "ci-deploy (leaked key)", "198.51.100.23", late=(3,)),
    Scenario("network-changes", "05:30:12", "eu-central-1", sc_network, "svc-maint", "198.51.100.23"),
    Scenario("cryptomining", "06:00:05", "eu-central-1", sc_cryptomining, "web-app-ec2-role/i-0a1b2c3d4e5f60718", "198.51.100.77", late=(7,)),
    Scenario("s3-exposure", "07:10:05", "us-east-1", sc_s3_exposure, "svc-maint", "198.51.100.23"),
    Scenario("normal-runinstances", "08:15:20", "us-east-1", sc_normal_runinstances, "ci-deploy", "192.0.2.50"),
    Scenario("straddling-failed-logins", "09:58:30", "us-east-1", lambda rng, t0, r: [
        console_login_failed(rng, t0 + dt, CAROL, "198.51.100.14") for dt in (0, 80, 100, 150)], "carol", "198.51.100.14"),
    Scenario("root-usage", "11:02:10", "us-east-1", sc_root, "root", "203.0.113.10"),
    Scenario("mfa-disabled", "12:30:10", "us-east-1", sc_mfa_disabled, "svc-maint", "198.51.100.23"),
    Scenario("kms-key-deletion", "13:05:10", "eu-central-1", sc_kms, "svc-maint", "198.51.100.23"),
    Scenario("root-invoked-by-support", "13:40:12", "us-east-1", sc_root_invoked, "root via support.amazonaws.com", "support.amazonaws.com"),
    Scenario("rds-snapshot-sharing", "14:20:05", "eu-central-1", sc_rds, "svc-maint", "198.51.100.23"),
    Scenario("ebs-snapshot-sharing", "14:35:10", "eu-central-1", sc_ebs_snapshot, "svc-maint", "198.51.100.23"),
    Scenario("secrets-burst", "15:01:10", "us-east-1", sc_secrets_burst, "svc-maint", "198.51.100.23"),
    Scenario("cloudtrail-tampering", "16:10:05", "us-east-1", sc_cloudtrail, "svc-maint", "198.51.100.23"),
    Scenario("config-disabled", "16:20:10", "eu-central-1", sc_config, "svc-maint", "198.51.100.23"),
    Scenario("account-org-security-services", "16:30:05", "eu-central-1", sc_account_org, "svc-maint", "198.51.100.23"),
    Scenario("monitoring-tampering", "16:40:10", "us-east-1", sc_monitoring_tampering, "svc-maint", "198.51.100.23"),
    Scenario("remediation", "17:45:00", "us-east-1", sc_remediation, "alice (console)", "203.0.113.10"),
]

# ---------------------------------------------------------------- S3 delivery
def file_name(region, deliver, rng):
    return "%s_CloudTrail_%s_%s_%s.json.gz" % (ACCOUNT, region, time.strftime("%Y%m%dT%H%MZ", time.gmtime(deliver)),
                                               "".join(rng.choices(ALNUM, k=16)))

def file_path(region, deliver, name):
    return "/".join(("AWSLogs", ACCOUNT, "CloudTrail", region, time.strftime("%Y/%m/%d", time.gmtime(deliver)), name))

def epoch(rec):                       # eventTime -> epoch seconds (fast path for "YYYY-MM-DDTHH:MM:SSZ")
    s = rec["eventTime"]
    return calendar.timegm((int(s[:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:19])))

def group_into_files(records, rng, late_ids=()):
    """Group records like CloudTrail does: per region, ~5-minute batches, delivered 1-12 min after the
    newest record, file names on 5-minute marks.  Records in late_ids go into a file delivered 10-30 min
    after their eventTime.  Order inside a file is only roughly chronological.  -> [(relpath, [records])]"""
    late_ids = list(late_ids)
    by_region = {}
    for r in records:
        by_region.setdefault(r["awsRegion"], []).append(r)
    files = []
    for region in sorted(by_region):
        recs = sorted(by_region[region], key=lambda r: (r["eventTime"], r["eventID"]))
        late = [r for r in recs if r["eventID"] in late_ids]
        windows = {}
        for r in recs:
            if r["eventID"] not in late_ids:
                windows.setdefault(epoch(r) // 300, []).append(r)
        batches = []
        for w in sorted(windows):
            batch = windows[w]
            if len(batch) >= 4 and rng.random() < 0.12:       # sometimes two files for one window
                rng.shuffle(batch)
                k = rng.randint(1, len(batch) - 1)
                batches += [batch[:k], batch[k:]]
            else:
                batches.append(batch)
        out = []
        for b in batches:
            newest = max(epoch(r) for r in b)
            deliver = -(-(newest + rng.randint(60, 420)) // 300) * 300     # round up to a 5-minute mark
            out.append((deliver, min(epoch(r) for r in b), b))
        for r in late:                  # into the first file of a later batch delivered 10+ min after it
            t = epoch(r)
            cands = [f for f in out if f[1] >= t + 240 and t + 600 <= f[0] <= t + 1800] or out[-1:]
            min(cands, key=lambda f: f[0])[2].append(r)
        for deliver, _, b in out:
            b.sort(key=lambda r: epoch(r) + rng.uniform(-90, 90))           # jittered, not strictly sorted
            files.append((file_path(region, deliver, file_name(region, deliver, rng)), b))
    return sorted(files)

def encode(records, level=9):
    raw = json.dumps({"Records": records}, separators=(",", ":")).encode()
    return raw, gzip.compress(raw, compresslevel=level, mtime=0)

def write_folder(out_dir, files, level=9):
    """Delete only out_dir/AWSLogs, then write files and out_dir/MANIFEST.tsv."""
    logs = os.path.join(out_dir, "AWSLogs")
    if os.path.isdir(logs):
        shutil.rmtree(logs)
    total, lines = 0, ["path\trecords"]
    for rel, recs in files:
        p = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(encode(recs, level)[1])
        lines.append("%s\t%d" % (rel, len(recs)))
        total += len(recs)
    lines.append("TOTAL\t%d" % total)
    with open(os.path.join(out_dir, "MANIFEST.tsv"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return total

def build_sample(seed=SEED, n_background=2500):
    rng = random.Random(seed)
    records, late_ids = [], []
    for sc in SCENARIOS:
        recs = sc.records(rng)
        late_ids += [recs[i]["eventID"] for i in sc.late]
        records += recs
    for _ in range(n_background):
        records += background_event(rng, DAY0 + rng.randrange(86400 - 120))
    return group_into_files(records, rng, late_ids)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    files = build_sample()
    total = write_folder(args.out, files)
    print("wrote %d files, %d records under %s" % (len(files), total, os.path.join(args.out, "AWSLogs")))

if __name__ == "__main__":
    main()
