// Deployment parameters without any auth setting (Auth:Mode none), checked by BicepTests with `bicep build-params`.
using '../../../../infra/main.bicep'

param environmentName = 'jockey-test'
param location = 'westeurope'
