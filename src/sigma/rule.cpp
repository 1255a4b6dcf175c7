// rule: placeholder
