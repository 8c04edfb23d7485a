// The audit archive: signed checkpoints and daily exports, write-once. An account of its own because
// its immutability is account-wide (version-level WORM, which ARM can lock declaratively), while the
// media beside it in the data account must stay deletable.

@description('Azure region.')
param location string

@description('Globally unique storage account name (3-24 lowercase letters and digits).')
param accountName string

@description('Days every blob version stays immutable.')
@minValue(1)
param immutabilityDays int

@description('Lock the immutability policy: irreversible, after which no one (not the subscription owner) can shorten it or delete the account before every blob has expired.')
param lockImmutability bool

@description('Log Analytics workspace that receives the archive\'s access log.')
param workspaceId string

param tags object

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    immutableStorageWithVersioning: {
      enabled: true
      immutabilityPolicy: {
        immutabilityPeriodSinceCreationInDays: immutabilityDays
        state: lockImmutability ? 'Locked' : 'Unlocked'
        allowProtectedAppendWrites: false
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Version-level immutability needs versioning.
    isVersioningEnabled: true
  }
}

resource audit 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'audit'
  properties: { publicAccess: 'None' }
}

resource auditLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
