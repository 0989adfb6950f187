// A hub that accepts TLS 1.1 and any address.
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'hub-bicep'
  location: 'westeurope'
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    minTlsVersion: '1.1'
    publicNetworkAccess: 'Disabled'
  }
}
