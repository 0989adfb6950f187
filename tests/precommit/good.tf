# A staged file with nothing to report: the hook must let the commit through.
variable "location" {
  type    = string
  default = "westeurope"
}

resource "azurerm_resource_group" "iot" {
  name     = "rg-iot-prod"
  location = var.location
}
