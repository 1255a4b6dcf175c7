a = var.x ? [for i, v in l : v.id if i > 0] : {for k, v in m : k => v...}
b = -x + !y * (z % 2) / f(a, b...) - provider::aws::p(1)
c = x[0]["k"].*.id[*].y.0
d = { k = 1, "q" : 2, (v) = 3
  e = null }
