variable "name_prefix" {
  type = string
}

variable "namespace" {
  type    = string
  default = "CloudTrailMetrics"
}

variable "log_group_name" {
  type = string
}

variable "period" {
  description = "Seconds per evaluation period"
  type        = number
  default     = 300
}

variable "alarm_actions" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "rules" {
  description = "Metric filters and their alarms, by short name"
  type = map(object({
    pattern            = string
    severity           = string
    threshold          = optional(number, 1)
    evaluation_periods = optional(number, 1)
    dimensions         = optional(list(string), [])
  }))
}
