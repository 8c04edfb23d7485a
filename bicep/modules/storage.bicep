// The data account: Entra ID only (no shared keys), the app's tables, media containers with
// lifecycle deletion. It holds no code, no host keys and no audit archive: those are in accounts of
// their own (hoststorage.bicep, auditstorage.bicep), so a role on the data cannot reach them.

@description('Azure region.')
param location string

@description('Globally unique storage account name (3-24 lowercase letters and digits).')
param accountName string

@description('Days that ordered media is preserved before lifecycle deletion (EU TCO: 6 months).')
@minValue(1)
param mediaRetentionDays int

@description('Log Analytics workspace that receives the account\'s blob and table logs.')
param workspaceId string

param tags object

@description('Origins of the web console (e.g. https://app.example): its evidence uploads PUT straight to a SAS URL from the browser.')
param consoleOrigins array = []

// Every table the app uses (Compliance.Infrastructure.Storage.TableNames): the app's roles are
// scoped to each table, so it cannot create one itself (Storage__ProvisionedByDeployment).
var tableNames = [
  'Orders'
  'OrderLookup'
  'Deadlines'
  'SweepState'
  'Providers'
  'Idempotency'
  'Media'
  'HashBank'
  'HashBankDisabled'
  'BlobReceipts'
  'Cases'
  'MatchReports'
  'OrderReceipts'
  'AdvanceInformation'
  'AuditLog'
]

@description('The containers the app reads and writes (its roles are scoped to these).')
var appContainerNames = [
  'media-incoming'
  'media-quarantine'
  'hashbank-snapshots'
]

var containerNames = concat(appContainerNames, [ 'eventgrid-deadletter' ])

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
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // No blob soft delete: purged evidence (victims' media) must be gone when it is deleted, not
    // recoverable for days. Containers keep theirs, against deleting a whole container by mistake.
    deleteRetentionPolicy: { enabled: false }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
    cors: {
      corsRules: empty(consoleOrigins) ? [] : [
        {
          allowedOrigins: consoleOrigins
          allowedMethods: [ 'PUT', 'OPTIONS' ]
          allowedHeaders: [ 'content-type', 'x-ms-blob-type', 'x-ms-version', 'x-ms-client-request-id' ]
          exposedHeaders: [ 'etag' ]
          maxAgeInSeconds: 600
        }
      ]
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in containerNames: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

resource blobLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource tableLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource mediaLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-preserved-media'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'media-incoming/', 'media-quarantine/' ]
            }
            actions: {
              baseBlob: {
                delete: { daysAfterCreationGreaterThan: mediaRetentionDays }
              }
            }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in tableNames: {
  parent: tableService
  name: name
}]

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output tableNames array = tableNames
output appContainerNames array = appContainerNames
