a = <<EOT
line ${var.x}
  NOT EOT
EOT
b = <<-EOT
    x

      y
    EOT
c = trimspace(<<X
z
X
)
