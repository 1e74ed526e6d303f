// Auth:Mode key with two access keys (AUTH_MODE=key, AUTH_ACCESS_KEYS=…), checked by BicepTests with `bicep build-params`.
using '../../../../infra/main.bicep'

param environmentName = 'jockey-test'
param location = 'westeurope'
param authMode = 'key'
param authAccessKeys = 'first-test-key-0123456789,second-test-key-0123456789'
