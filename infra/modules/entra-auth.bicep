// Container Apps' built-in authentication with Microsoft Entra ID on the web app (Auth:Mode entra, docs/deploy.md).
// Every request may pass (AllowAnonymous): the API decides, answering 401 with where to sign in, so the app's page
// loads and sends the browser to /.auth/login/aad itself, and /health stays open. For a signed-in browser the platform
// adds X-MS-CLIENT-PRINCIPAL-* headers (dropping any the browser sent), which the web server passes to the API.
@description('The Container App to sign users in to (the web app: the only one with external ingress).')
param containerAppName string

@description('Client (application) id of the app registration.')
param clientId string

@description('The tenant users sign in to.')
param tenantId string

@description('The Container Apps secret holding the app registration\'s client secret.')
param credentialSettingName string

resource app 'Microsoft.App/containerApps@2024-03-01' existing = {
  name: containerAppName
}

resource auth 'Microsoft.App/containerApps/authConfigs@2024-03-01' = {
  parent: app
  name: 'current'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          clientSecretSettingName: credentialSettingName
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [clientId, 'api://${clientId}']
        }
      }
    }
    login: {
      preserveUrlFragmentsForLogins: true
    }
  }
}
