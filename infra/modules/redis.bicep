// Azure Managed Redis (the successor of Azure Cache for Redis, which is being retired): event log, run state and
// the SignalR backplane. TLS only, on port 10000.
param location string
param tags object
param name string

@description('Balanced_B0 is the smallest Azure Managed Redis size; raise it for more memory or throughput.')
param skuName string = 'Balanced_B0'

resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: '1.2'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    // One endpoint that behaves like a single Redis server: the SignalR backplane does not support cluster mode.
    clusteringPolicy: 'EnterpriseCluster'
    // The event log must never be evicted silently; entries expire on their own TTLs.
    evictionPolicy: 'NoEviction'
    // StackExchange.Redis authenticates with the access key here (see docs/deploy.md for why not Entra ID).
    accessKeysAuthentication: 'Enabled'
  }
}

output name string = cluster.name
output hostName string = cluster.properties.hostName
output port int = database.properties.port
