// Jockey on Azure Container Apps, deployed by `azd up`.
// Every resource is declared in this folder (no registry modules), so `bicep build infra/main.bicep` works offline.
// The apps get the same environment contract the AppHost sets in dev (docs/deploy.md lists it).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Optional: URL of a real Jockey (LangGraph) server. When set, the API talks to it instead of the local agent, which then scales to zero.')
param jockeyUrl string = ''

@secure()
@description('Optional: API key for that server (sent as x-api-key, e.g. for LangGraph Platform deployments).')
param jockeyApiKey string = ''

@secure()
@description('Optional: the key the API and the local agent share (x-api-key). Unset: derived from the Redis access key, so it stays the same across deployments and rotates with it.')
param agentApiKey string = ''

@minValue(2)
@description('Fewest API replicas. At least 2, so a replica restart never drops every SignalR connection at once.')
param apiMinReplicas int = 2

@minValue(2)
@description('Most API replicas; Container Apps scales between the two on concurrent HTTP requests.')
param apiMaxReplicas int = 4

@allowed(['none', 'key', 'entra'])
@description('Who may use the app (docs/deploy.md, Sign-in): none (anyone with the URL), key (access keys), entra (Microsoft Entra ID through Container Apps built-in authentication).')
param authMode string = 'none'

@secure()
@description('Mode key: the access keys, comma-separated, each at least 16 characters; each key is a user of its own. Stored as Container Apps secrets.')
param authAccessKeys string = ''

@description('Mode entra: the client (application) id of the app registration users sign in with.')
param authEntraClientId string = ''

@secure()
@description('Mode entra: a client secret of that app registration. Stored as a Container Apps secret.')
param authEntraClientSecret string = ''

@description('Mode entra: the tenant users sign in to. Empty: the tenant of the deployment.')
param authEntraTenantId string = ''

@description('Set by azd (SERVICE_<NAME>_RESOURCE_EXISTS): a re-provision keeps the image azd deployed last instead of the placeholder.')
param apiserviceExists bool = false
param jockeyExists bool = false
param webExists bool = false

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var redisName = 'redis-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-${resourceToken}'
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cr${resourceToken}'
    pullPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    containerName: 'media'
    dataPrincipalId: identity.outputs.principalId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  scope: rg
  params: {
    location: location
    tags: tags
    name: redisName
  }
}

module environment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cae-${resourceToken}'
    logAnalyticsName: monitoring.outputs.logAnalyticsName
  }
}

module libraryShare 'modules/library-share.bicep' = {
  name: 'library-share'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'stlib${resourceToken}'
    environmentName: environment.outputs.name
  }
}

// The access key is read here, at deployment time, and only ever lands in a Container Apps secret.
resource redisCluster 'Microsoft.Cache/redisEnterprise@2025-04-01' existing = {
  scope: rg
  name: redisName
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' existing = {
  parent: redisCluster
  name: 'default'
}

var internalDomain = 'internal.${environment.outputs.defaultDomain}'

// Mode key: one Container Apps secret per access key, each read into Auth__AccessKeys__{i}.
var accessKeys = authMode == 'key' ? filter(map(split(authAccessKeys, ','), key => trim(key)), key => !empty(key)) : []
var accessKeySecrets = toObject(range(0, length(accessKeys)), i => 'auth-access-key-${i}', i => accessKeys[i])
var accessKeySettings = toObject(range(0, length(accessKeys)), i => 'Auth__AccessKeys__${i}', i => 'auth-access-key-${i}')

// The local agent answers the API only: both apps read this one value from a Container Apps secret (docs/deploy.md,
// Threat model). 26 characters from two hashes of a secret nobody outside the deployment holds.
var agentKey = !empty(agentApiKey) ? agentApiKey : '${uniqueString(redisDatabase.listKeys().primaryKey, 'jockey-agent-key-1')}${uniqueString(redisDatabase.listKeys().primaryKey, 'jockey-agent-key-2')}'

module jockey 'modules/container-app.bicep' = {
  name: 'app-jockey'
  scope: rg
  params: {
    name: 'jockey'
    location: location
    tags: tags
    containerAppsEnvironmentId: environment.outputs.id
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    exists: jockeyExists
    external: false
    // One replica: the local agent keeps threads and renders on its own disk. Idle when a real Jockey is used.
    minReplicas: empty(jockeyUrl) ? 1 : 0
    maxReplicas: 1
    cpu: '1.0'
    memory: '2Gi'
    healthProbes: true
    // The library's index folders (uploaded videos and their sidecars) live on the Azure Files share and outlive the
    // replica. The rest of LocalAgent:DataPath stays on the replica's disk: the search index (SQLite in WAL mode, which
    // wants a local file system) and thumbnails are rebuilt from the videos after a restart, and renders are in Blob Storage.
    // SMB shows every file as root's unless told otherwise; 1654 is the .NET images' app user ($APP_UID).
    azureFileMounts: [{ storageName: libraryShare.outputs.storageName, mountPath: '/data/jockey/indexes', mountOptions: 'uid=1654,gid=1654,dir_mode=0750,file_mode=0640' }]
    env: {
      LocalAgent__DataPath: '/data/jockey'
      // The names the API reaches it by; any other Host (a rebound DNS name) is refused.
      LocalAgent__AllowedHosts__0: 'jockey.${internalDomain}'
      LocalAgent__AllowedHosts__1: 'jockey'
    }
    secrets: {
      'agent-api-key': agentKey
    }
    protectedEnv: {
      LocalAgent__ApiKey: 'agent-api-key'
    }
  }
}

module apiservice 'modules/container-app.bicep' = {
  name: 'app-apiservice'
  scope: rg
  params: {
    name: 'apiservice'
    location: location
    tags: tags
    containerAppsEnvironmentId: environment.outputs.id
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    exists: apiserviceExists
    external: false
    // SignalR's negotiate and connect must reach the same replica.
    stickySessions: true
    minReplicas: apiMinReplicas
    maxReplicas: max(apiMinReplicas, apiMaxReplicas)
    cpu: '0.5'
    memory: '1Gi'
    healthProbes: true
    env: {
      ConnectionStrings__blobs: storage.outputs.blobEndpoint
      Media__Container: storage.outputs.containerName // the container provisioned above, whatever the API's default
      services__jockey__http__0: 'http://${jockey.outputs.name}.${internalDomain}'
      Jockey__Url: jockeyUrl // an empty value is dropped by the module, and service discovery applies
      // The per-client run budget keys on the client's address. Requests reach the API only through the environment
      // (its ingress is internal): Envoy and the web app's server, all on private addresses, each appending the
      // address it saw to X-Forwarded-For. Trusting private ranges lets the API walk back to the browser's address,
      // and no browser can connect from one.
      ForwardedHeaders__KnownNetworks__0: '10.0.0.0/8'
      ForwardedHeaders__KnownNetworks__1: '172.16.0.0/12'
      ForwardedHeaders__KnownNetworks__2: '192.168.0.0/16'
      ForwardedHeaders__KnownNetworks__3: '100.64.0.0/10'
      // Mode entra: the principal headers are believed from those same private addresses only; the API's ingress is
      // internal, so they come through the web app, whose built-in authentication replaces any a browser sent.
      Auth__Mode: authMode
    }
    secrets: {
      'redis-connection-string': '${redis.outputs.hostName}:${redis.outputs.port},password=${redisDatabase.listKeys().primaryKey},ssl=True,abortConnect=False'
      // A real Jockey server's key when one is set, else the local agent's.
      'jockey-api-key': empty(jockeyUrl) ? agentKey : jockeyApiKey
    }
    protectedEnv: {
      ConnectionStrings__redis: 'redis-connection-string'
      Jockey__ApiKey: 'jockey-api-key'
    }
    computedSecrets: accessKeySecrets
    computedProtectedEnv: accessKeySettings
  }
}

module web 'modules/container-app.bicep' = {
  name: 'app-web'
  scope: rg
  params: {
    name: 'web'
    location: location
    tags: tags
    containerAppsEnvironmentId: environment.outputs.id
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    exists: webExists
    external: true
    portVariable: 'PORT'
    minReplicas: 1
    maxReplicas: 2
    cpu: '0.25'
    memory: '0.5Gi'
    healthProbes: false
    env: {
      NODE_ENV: 'production'
      // Inside a container the server must listen on every interface, not the dev default of 127.0.0.1.
      HOST: '0.0.0.0'
      services__apiservice__http__0: 'http://${apiservice.outputs.name}.${internalDomain}'
      // Only for the pages' CSP: the browser plays media from this origin.
      ConnectionStrings__blobs: storage.outputs.blobEndpoint
      // Mode entra: the built-in authentication in front vouches for the user; the server passes its headers on.
      AUTH_MODE: authMode
    }
    secrets: {
      // The name Container Apps' built-in authentication reads the Entra ID client secret from; empty (dropped) otherwise.
      'microsoft-provider-authentication-secret': authMode == 'entra' ? authEntraClientSecret : ''
    }
  }
}

module webSignIn 'modules/entra-auth.bicep' = if (authMode == 'entra') {
  name: 'web-entra-auth'
  scope: rg
  params: {
    containerAppName: web.outputs.name
    clientId: authEntraClientId
    tenantId: empty(authEntraTenantId) ? tenant().tenantId : authEntraTenantId
    credentialSettingName: 'microsoft-provider-authentication-secret'
  }
}

// What azd reads back after provisioning (`azd env get-values`).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_REDIS_HOST string = redis.outputs.hostName
output SERVICE_APISERVICE_NAME string = apiservice.outputs.name
output SERVICE_JOCKEY_NAME string = jockey.outputs.name
output SERVICE_WEB_NAME string = web.outputs.name
output SERVICE_WEB_URI string = web.outputs.uri
