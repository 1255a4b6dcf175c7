x = <<-EOT
		Foo ${a}
	 Bar
	
  %{ if b ~}
  y
  %{~ endif }
	EOT
y = <<EOT
$${lit} %%{lit}
EOT