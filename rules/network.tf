# Network: security groups, network ACLs, gateways, route tables and VPCs.
# Each list is the CIS one (cis.tf) plus the calls CIS misses.

resource "aws_cloudwatch_log_metric_filter" "security_group_changes" {
  name           = "SecurityGroupChanges"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"AuthorizeSecurityGroupIngress\") || ($.eventName = \"AuthorizeSecurityGroupEgress\") || ($.eventName = \"RevokeSecurityGroupIngress\") || ($.eventName = \"RevokeSecurityGroupEgress\") || ($.eventName = \"ModifySecurityGroupRules\") || ($.eventName = \"CreateSecurityGroup\") || ($.eventName = \"DeleteSecurityGroup\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "SecurityGroupChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "security_group_changes" {
  alarm_name          = "SecurityGroupChanges"
  alarm_description   = "A security group was created, deleted or had rules added, removed or modified (ModifySecurityGroupRules too, which CIS 4.10 misses): security groups are the instance firewall, and one open rule exposes every instance behind it."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "SecurityGroupChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read the groupId and ipPermissions in requestParameters; check the change against your Terraform history and whether the group is attached to anything reachable from the internet."
    MitreAttack = "T1562.007"
  }
}

resource "aws_cloudwatch_log_metric_filter" "security_group_open_to_internet" {
  name           = "SecurityGroupOpenToInternet"
  pattern        = "{ ($.eventName = \"AuthorizeSecurityGroupIngress\") && (($.requestParameters.ipPermissions.items[0].ipRanges.items[*].cidrIp = \"*/0\") || ($.requestParameters.ipPermissions.items[0].ipv6Ranges.items[*].cidrIpv6 = \"*/0\") || ($.requestParameters.cidrIp = \"*/0\") || ($.responseElements.securityGroupRuleSet.items[*].cidrIpv4 = \"*/0\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "SecurityGroupOpenToInternetCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "security_group_open_to_internet" {
  alarm_name          = "SecurityGroupOpenToInternet"
  alarm_description   = "An inbound security group rule was opened to the whole internet (a /0 range: 0.0.0.0/0, ::/0 or any x.x.x.x/0): SSH, RDP or a database port open to everyone is found by scanners within minutes."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "SecurityGroupOpenToInternetCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "high"
    Runbook     = "Check the port range (fromPort/toPort): anything but 80/443 on a load balancer should be revoked at once; then look for logins on the exposed instances."
    MitreAttack = "T1562.007"
  }
}

resource "aws_cloudwatch_log_metric_filter" "network_acl_changes" {
  name           = "NetworkAclChanges"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"CreateNetworkAcl\") || ($.eventName = \"CreateNetworkAclEntry\") || ($.eventName = \"DeleteNetworkAcl\") || ($.eventName = \"DeleteNetworkAclEntry\") || ($.eventName = \"ReplaceNetworkAclEntry\") || ($.eventName = \"ReplaceNetworkAclAssociation\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "NetworkAclChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "network_acl_changes" {
  alarm_name          = "NetworkAclChanges"
  alarm_description   = "A network ACL or one of its entries was created, replaced or deleted: NACLs are the subnet firewall, and an allow-all entry undoes it for every instance in the subnet."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "NetworkAclChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read ruleAction, cidrBlock and portRange in requestParameters; an allow rule for 0.0.0.0/0 with aclProtocol -1 not in your Terraform history should be reverted."
    MitreAttack = "T1562.007"
  }
}

resource "aws_cloudwatch_log_metric_filter" "network_gateway_changes" {
  name           = "NetworkGatewayChanges"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"CreateCustomerGateway\") || ($.eventName = \"DeleteCustomerGateway\") || ($.eventName = \"AttachInternetGateway\") || ($.eventName = \"CreateInternetGateway\") || ($.eventName = \"DeleteInternetGateway\") || ($.eventName = \"DetachInternetGateway\") || ($.eventName = \"CreateEgressOnlyInternetGateway\") || ($.eventName = \"DeleteEgressOnlyInternetGateway\") || ($.eventName = \"CreateNatGateway\") || ($.eventName = \"DeleteNatGateway\") || ($.eventName = \"AttachVpnGateway\") || ($.eventName = \"DetachVpnGateway\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "NetworkGatewayChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "network_gateway_changes" {
  alarm_name          = "NetworkGatewayChanges"
  alarm_description   = "An internet, egress-only, NAT, VPN or customer gateway was created, attached, detached or deleted: gateways decide what can reach the internet and other networks, so a new one can open a private VPC or an exfiltration path."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "NetworkGatewayChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Check which VPC the gateway belongs to (vpcId) and whether a route to it followed; a gateway attached to a VPC meant to be private should be detached."
    MitreAttack = "T1599"
  }
}

resource "aws_cloudwatch_log_metric_filter" "route_table_changes" {
  name           = "RouteTableChanges"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"CreateRoute\") || ($.eventName = \"CreateRouteTable\") || ($.eventName = \"ReplaceRoute\") || ($.eventName = \"ReplaceRouteTableAssociation\") || ($.eventName = \"DeleteRouteTable\") || ($.eventName = \"DeleteRoute\") || ($.eventName = \"DisassociateRouteTable\") || ($.eventName = \"AssociateRouteTable\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "RouteTableChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "route_table_changes" {
  alarm_name          = "RouteTableChanges"
  alarm_description   = "A route or route table was created, replaced, deleted or (dis)associated (AssociateRouteTable too, which CIS 4.13 misses): routing decides whether traffic goes through your inspection points or straight out of the VPC."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "RouteTableChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "Read destinationCidrBlock and the target (gatewayId, natGatewayId, instanceId): a 0.0.0.0/0 route to a new internet gateway or an instance is the case to chase."
    MitreAttack = "T1599"
  }
}

resource "aws_cloudwatch_log_metric_filter" "vpc_changes" {
  name           = "VpcChanges"
  pattern        = "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"CreateVpc\") || ($.eventName = \"DeleteVpc\") || ($.eventName = \"ModifyVpcAttribute\") || ($.eventName = \"AcceptVpcPeeringConnection\") || ($.eventName = \"CreateVpcPeeringConnection\") || ($.eventName = \"DeleteVpcPeeringConnection\") || ($.eventName = \"RejectVpcPeeringConnection\") || ($.eventName = \"AttachClassicLinkVpc\") || ($.eventName = \"DetachClassicLinkVpc\") || ($.eventName = \"DisableVpcClassicLink\") || ($.eventName = \"EnableVpcClassicLink\")) }"
  log_group_name = var.log_group_name

  metric_transformation {
    name      = "VpcChangesCount"
    namespace = var.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "vpc_changes" {
  alarm_name          = "VpcChanges"
  alarm_description   = "A VPC was created, deleted or modified, or a VPC peering connection was requested, accepted, rejected or deleted: a peering to an unknown account joins your network to someone else's."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "VpcChangesCount"
  namespace           = var.metric_namespace
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]

  tags = {
    Severity    = "medium"
    Runbook     = "For peering, check the peer account (peerOwnerId / accepterVpcInfo) against your organization; for a new VPC, check that it belongs to a known Terraform stack and region."
    MitreAttack = "T1599"
  }
}
