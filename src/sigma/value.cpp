// value: placeholder
