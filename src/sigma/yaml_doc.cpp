// yaml_doc: placeholder
