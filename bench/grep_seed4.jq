# bench/grep_seed4.jq: the four metric-filter patterns of bench/patterns/seed4.txt, in jq 1.6,
# with CloudWatch Logs semantics. Input: CloudTrail files ({"Records":[...]}), concatenated;
# output: the records that match any of the four, one per line with jq -c.
# bench/bench_grep.sh uses it for the jq row and to compute the expected match count N
# independently of trailwatch.
#
# CloudWatch semantics reproduced here:
#   - "=" on a string is exact and case-sensitive. A missing field, null or a non-string never
#     equals a string (jq's == compares type and value, so plain == does this).
#   - "!=" is false when the field is absent, null, an object or an array: $.eventType !=
#     "AwsServiceEvent" needs eventType to exist as a scalar whose text is not
#     "AwsServiceEvent" (a number or boolean is compared by its text, spec section 10).
#   - "NOT EXISTS" is true only when the key is absent. A key present with the value null
#     exists. If userIdentity is absent or not an object, userIdentity.invokedBy does not exist.
# `.Records[]?` skips files without a Records array (e.g. CloudTrail-Digest files), and
# non-object records are never matched (jq would stop with an error on `.eventName`).

.Records[]?
| select(type == "object" and (
    # (a) { ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }
    (.eventName == "ConsoleLogin" and .errorMessage == "Failed authentication")

    # (b) { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS
    #       && $.eventType != "AwsServiceEvent" }
    or ((.userIdentity | type == "object" and .type == "Root" and (has("invokedBy") | not))
        and (.eventType | (type == "string" or type == "number" or type == "boolean")
                          and tostring != "AwsServiceEvent"))

    # (c) security-group changes
    or (.eventName | IN("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                        "CreateSecurityGroup", "DeleteSecurityGroup"))

    # (d) IAM policy changes
    or (.eventName | IN("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
                        "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
                        "CreatePolicy", "DeletePolicy", "AttachRolePolicy",
                        "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy"))
  ))
