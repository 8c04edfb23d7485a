// Compliance on Azure: Flex Consumption function app, storage, Service Bus, monitoring, a
// user-assigned identity with least-privilege data roles, and no keys anywhere in settings.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short environment name, used in resource names (e.g. prod, test).')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Entra ID authority for bearer tokens, e.g. https://login.microsoftonline.com/<tenant>/v2.0.')
param authAuthority string

@description('Expected token issuer (for Entra ID v2 tokens the authority URL).')
param authIssuer string

@description('Expected token audience: the API\'s application id URI or client id.')
param authAudience string

@description('Provider ids that get their own order-events subscription and responses queue.')
param providerIds array = []

@description('Entra object id of each provider\'s service principal, by provider id: it may send to its own responses queue and read its own events subscription, nothing else.')
param providerPrincipals object = {}

@description('Days ordered media is preserved before deletion (EU TCO Art. 6: six months).')
param mediaRetentionDays int = 183

@description('Days audit exports stay immutable (WORM).')
param auditImmutabilityDays int = 1095

@description('Lock the audit archive\'s immutability policy. Irreversible: test with it off, then turn it on.')
param lockAuditImmutability bool = false

@description('Deadline sweep schedule; every minute in Azure.')
param deadlineSweepSchedule string = '0 */1 * * * *'

@description('Flex Consumption scale-out limit.')
param maximumInstanceCount int = 40

@secure()
@description('Key for victims\' personal data in cases and their access codes: base64 of 32 random bytes. Kept in Key Vault.')
param casesKey string

@description('E-mail of the operations team for alerts; empty for none.')
param operationsEmail string = ''

@description('Create the Event Grid subscription for the blob trigger; needs the code deployed first (infra/deploy does both).')
param deployEventSubscription bool = false

@description('Origins the web console is served from, allowed to upload evidence to storage from the browser.')
param consoleOrigins array = []

var suffix = uniqueString(resourceGroup().id, environmentName)
var namePrefix = 'compliance-${environmentName}'
var tags = {
  application: 'compliance'
  environment: environmentName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: take('compl${environmentName}${suffix}', 24)
    mediaRetentionDays: mediaRetentionDays
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
    consoleOrigins: consoleOrigins
  }
}

module hostStorage 'modules/hoststorage.bicep' = {
  name: 'hoststorage'
  params: {
    location: location
    accountName: take('host${environmentName}${suffix}', 24)
    tags: tags
  }
}

module auditStorage 'modules/auditstorage.bicep' = {
  name: 'auditstorage'
  params: {
    location: location
    accountName: take('audit${environmentName}${suffix}', 24)
    immutabilityDays: auditImmutabilityDays
    lockImmutability: lockAuditImmutability
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    namespaceName: '${namePrefix}-${suffix}'
    providerIds: providerIds
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    principalId: identity.properties.principalId
    hostStorageAccountName: hostStorage.outputs.accountName
    dataStorageAccountName: storage.outputs.accountName
    tableNames: storage.outputs.tableNames
    appContainerNames: storage.outputs.appContainerNames
    auditStorageAccountName: auditStorage.outputs.accountName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    providerIds: providerIds
    providerPrincipals: providerPrincipals
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    namePrefix: namePrefix
    appInsightsId: monitoring.outputs.appInsightsId
    serviceBusNamespaceId: serviceBus.outputs.namespaceId
    operationsEmail: operationsEmail
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: 'kv${take(environmentName, 6)}${take(suffix, 13)}'
    principalId: identity.properties.principalId
    casesKey: casesKey
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [ access ]
  params: {
    location: location
    appName: '${namePrefix}-${suffix}'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    hostBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostQueueEndpoint: hostStorage.outputs.queueEndpoint
    hostTableEndpoint: hostStorage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    auditBlobEndpoint: auditStorage.outputs.blobEndpoint
    providerIds: providerIds
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    authAuthority: authAuthority
    authIssuer: authIssuer
    authAudience: authAudience
    deadlineSweepSchedule: deadlineSweepSchedule
    casesKeySecretUri: keyVault.outputs.casesKeySecretUri
    auditSigningKeyUri: keyVault.outputs.auditSigningKeyUri
    maximumInstanceCount: maximumInstanceCount
    tags: tags
  }
}

module eventGrid 'modules/eventgrid.bicep' = if (deployEventSubscription) {
  name: 'eventgrid'
  params: {
    location: location
    storageAccountName: storage.outputs.accountName
    appName: functionApp.outputs.appName
    blobFunctionName: 'AnalyseMedia'
    containerName: 'media-incoming'
    tags: tags
  }
}

output functionAppName string = functionApp.outputs.appName
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}/api'
output storageAccountName string = storage.outputs.accountName
output auditStorageAccountName string = auditStorage.outputs.accountName
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
