a = "esc \n \t \" \\ \u00e9 \U0001F600 $${x} %%{y}"
b = "${var.x}-${lookup({a = "}"}, "a")}"
c = "%{ if var.x }y%{ else }n%{ endif }%{ for k, v in m ~}${k}%{ endfor }"
