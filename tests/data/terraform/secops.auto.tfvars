# Loaded after terraform.tfvars, so it wins.
team      = "secops"
namespace = "SecOps"
