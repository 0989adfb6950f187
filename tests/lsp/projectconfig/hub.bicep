// A hub that accepts TLS 1.0.
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'hub-config'
  location: 'westeurope'
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    minTlsVersion: '1.0'
    publicNetworkAccess: 'Disabled'
  }
}
