// correlation: placeholder
