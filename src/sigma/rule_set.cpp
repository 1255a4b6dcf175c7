// rule_set: placeholder
