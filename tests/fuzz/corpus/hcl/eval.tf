locals {
  a = [for i, v in ["x", "y"] : "${i}-${upper(v)}" if v != ""]
  b = { for k, v in { b = 2, a = 1 } : v => k... }
  c = merge({ a = 1 }, { b = [1, 2][*] }, try(local.z, {}))
  d = format("%s %03d %.2f %q %v", "s", 7, 1.5, "q", [1])
  e = "%{ for x in local.a ~} ${x} %{~ endfor }%{ if length(local.a) > 1 }many%{ else }few%{ endif }"
  f = jsonencode(flatten([toset(["b", "a"]), tolist(["c"]), distinct(["d", "d"])]))
  g = coalesce(null, "", lookup({ k = "v" }, "k", "w"))
  h = join(",", concat(split(",", "a,b"), keys({ z = 1 }), values({ y = "2" })))
  i = [{ n = 1 }, { n = 2 }].*.n
  j = contains(formatlist("%s!", ["a"]), "a!") ? replace(trimspace(" x "), "x", lower("Y")) : tomap({})
  k = file("${path.module}/x.txt")
  l = templatefile("t.tpl", { v = each.key })
}
