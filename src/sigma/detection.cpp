// detection: placeholder
