module "a" {
  source = "./a"
  count  = 2
  n      = count.index
}
#@ a/main.tf
variable "n" {}
module "b" {
  source   = "../b"
  for_each = toset(["x"])
}
resource "aws_cloudwatch_log_metric_filter" "f" {
  name    = "F${var.n}"
  pattern = ""
  dynamic "metric_transformation" {
    for_each = { m = "NS" }
    content {
      name      = metric_transformation.key
      namespace = metric_transformation.value
      value     = "1"
    }
  }
}
#@ b/main.tf
module "a" {
  source = "../a"
}
output "o" {
  value = templatefile("b/t.tpl", { v = 1 })
}
#@ b/t.tpl
%{ if v > 0 }${v}%{ endif }
