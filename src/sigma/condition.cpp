// condition: placeholder
