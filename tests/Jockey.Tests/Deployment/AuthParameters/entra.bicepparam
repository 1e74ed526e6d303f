// Auth:Mode entra (AUTH_MODE=entra, AUTH_ENTRA_CLIENT_ID, AUTH_ENTRA_CLIENT_SECRET), checked by BicepTests with `bicep build-params`.
using '../../../../infra/main.bicep'

param environmentName = 'jockey-test'
param location = 'westeurope'
param authMode = 'entra'
param authEntraClientId = '00000000-0000-0000-0000-000000000001'
param authEntraClientSecret = 'test-client-secret'
