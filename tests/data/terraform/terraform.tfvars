environment     = "prod"
watched_regions = ["ap-southeast-2", "sa-east-1"]
extra_tags = {
  CostCenter = "1234"
}
