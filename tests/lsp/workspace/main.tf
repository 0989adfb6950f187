# A hub and a registry with the findings the quick fixes handle.
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = ">= 3.0" }
  }
}

resource "azurerm_iothub" "hub" {
  name                = "hub-lsp"
  resource_group_name = "rg-lsp"
  location            = "westeurope"
  min_tls_version     = "1.0" # kept low on purpose

  sku {
    name     = "S1"
    capacity = 1
  }

  network_rule_set {
    default_action                     = "Allow"
    apply_to_builtin_eventhub_endpoint = false
  }
}

resource "azurerm_container_registry" "acr" {
  name                = "acrlsp"
  resource_group_name = "rg-lsp"
  location            = "westeurope"
  sku                 = "Premium"
  admin_enabled       = true
  public_network_access_enabled = false
}
