// The local agent's library (its index folders: the videos people upload and their sidecars) on an Azure Files
// share, so it outlives the agent's replica. Container Apps mounts Azure Files over SMB with the account's key, so
// this account allows shared keys; the media account (storage.bicep) does not and stays that way.
param location string
param tags object
param name string
param environmentName string
param shareName string = 'library'
param quotaGiB int = 100

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: shareName
  properties: { shareQuota: quotaGiB }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' existing = {
  name: environmentName
}

// The key goes from the account straight into the environment's storage definition, at deployment time.
resource storage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: shareName
  properties: {
    azureFile: {
      accountName: account.name
      accountKey: account.listKeys().keys[0].value
      shareName: share.name
      accessMode: 'ReadWrite'
    }
  }
}

output storageName string = storage.name
