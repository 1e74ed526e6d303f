// One Jockey service as a Container App: image from the registry through the shared identity, HTTP ingress,
// the Aspire-style environment contract, secrets as Container Apps secrets, and health probes.
@description('Container App name; also the host name other apps use inside the environment.')
param name string
param location string
param tags object

@description('azd matches the app to the azure.yaml service through this tag; Jockey names both alike.')
param serviceName string = name

param containerAppsEnvironmentId string
param registryServer string
param identityId string

@secure()
param applicationInsightsConnectionString string

@description('True once azd has deployed an image: a re-provision keeps it instead of the placeholder.')
param exists bool = false

param targetPort int = 8080
@description('The variable the app reads its HTTP port from: ASPNETCORE_HTTP_PORTS for .NET, PORT for Node.')
param portVariable string = 'ASPNETCORE_HTTP_PORTS'
param external bool = false
param stickySessions bool = false
param minReplicas int = 1
param maxReplicas int = 1
param cpu string = '0.5'
param memory string = '1Gi'

@description('HTTP probes on /alive (liveness) and /health (readiness), as mapped by ServiceDefaults.')
param healthProbes bool = true

@description('Plain settings, name → value. Entries with an empty value are left out, so optional settings stay unset.')
param env object = {}

@description('Azure Files shares of the environment to mount: [{ storageName, mountPath, mountOptions }].')
param azureFileMounts array = []

@secure()
@description('Container Apps secrets, secret name → value. Empty values are left out.')
param secrets object = {}

@description('Settings read from a secret, variable name → secret name (a key of `secrets`).')
param protectedEnv object = {}

@secure()
@description('More secrets whose names are computed (e.g. one per access key); joined with `secrets`.')
param computedSecrets object = {}

@description('More settings read from those secrets; joined with `protectedEnv`.')
param computedProtectedEnv object = {}

// A public image that starts on any port until azd deploys the real one (`azd deploy` swaps only the image).
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

module currentImage 'container-app-image.bicep' = {
  name: '${name}-image'
  params: {
    name: name
    exists: exists
    fallbackImage: placeholderImage
  }
}

// Empty secrets (an optional key nobody set) are left out together with the settings that read them.
var allSecrets = toObject(
  filter(items(union(secrets, computedSecrets, { 'appinsights-connection-string': applicationInsightsConnectionString })), secret => !empty(secret.value)),
  secret => secret.key,
  secret => secret.value
)
var commonEnv = [
  { name: portVariable, value: string(targetPort) }
  { name: 'OTEL_SERVICE_NAME', value: serviceName }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
]
var plainEnv = map(filter(items(env), setting => !empty(setting.value)), setting => {
  name: setting.key
  value: setting.value
})
var protectedRefEnv = map(filter(items(union(protectedEnv, computedProtectedEnv)), setting => contains(allSecrets, setting.value)), setting => {
  name: setting.key
  secretRef: setting.value
})

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: last(split(identityId, '/'))
}

var probes = [
  {
    type: 'Liveness'
    httpGet: { path: '/alive', port: targetPort }
    initialDelaySeconds: 5
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    type: 'Readiness'
    httpGet: { path: '/health', port: targetPort }
    initialDelaySeconds: 5
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    // The agent generates its sample library on first start: about 2.5 minutes before liveness counts
    // (Container Apps caps failureThreshold at 10 and periodSeconds at 240).
    type: 'Startup'
    httpGet: { path: '/alive', port: targetPort }
    initialDelaySeconds: 5
    periodSeconds: 15
    failureThreshold: 10
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: containerAppsEnvironmentId
    configuration: {
      // Sticky sessions need single-revision mode.
      activeRevisionsMode: 'Single'
      ingress: {
        external: external
        targetPort: targetPort
        transport: 'auto'
        // Internal callers use http://<app>.internal.<domain>, as Aspire's service discovery does.
        allowInsecure: !external
        stickySessions: { affinity: stickySessions ? 'sticky' : 'none' }
      }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: map(items(allSecrets), secret => { name: secret.key, value: secret.value })
    }
    template: {
      containers: [
        {
          name: 'main'
          image: currentImage.outputs.image
          env: concat(commonEnv, plainEnv, protectedRefEnv)
          resources: { cpu: json(cpu), memory: memory }
          probes: healthProbes ? probes : []
          volumeMounts: [for (mount, i) in azureFileMounts: { volumeName: 'files-${i}', mountPath: mount.mountPath }]
        }
      ]
      volumes: [for (mount, i) in azureFileMounts: { name: 'files-${i}', storageType: 'AzureFile', storageName: mount.storageName, mountOptions: mount.mountOptions }]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [{ name: 'http', http: { metadata: { concurrentRequests: '100' } } }]
      }
    }
  }
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'
