// The function app on the Flex Consumption plan. Every connection is identity-based through the
// user-assigned identity; no setting carries a key.

@description('Azure region.')
param location string

@description('Function app name.')
param appName string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('The host account\'s endpoints (AzureWebJobsStorage and the deployment package).')
param hostBlobEndpoint string

param hostQueueEndpoint string

param hostTableEndpoint string

@description('The data account\'s blob endpoint, e.g. https://name.blob.core.windows.net/.')
param blobEndpoint string

param queueEndpoint string

param tableEndpoint string

@description('The audit archive account\'s blob endpoint.')
param auditBlobEndpoint string

@description('Providers with a responses queue of their own, which the app listens to.')
param providerIds array

@description('Service Bus namespace host name.')
param serviceBusNamespace string

@description('Application Insights connection string (an ingestion endpoint; authentication is by identity).')
param appInsightsConnectionString string

@description('Entra ID authority that issues the API\'s bearer tokens.')
param authAuthority string

param authIssuer string

param authAudience string

@description('Schedule of the deadline sweep (six-field cron).')
param deadlineSweepSchedule string

@description('Key Vault secret URI of the cases key (read through a Key Vault reference).')
param casesKeySecretUri string

@description('Key Vault key (with version) that signs audit checkpoints inside the vault.')
param auditSigningKeyUri string

@maxValue(1000)
param maximumInstanceCount int

param tags object

var identityConnection = {
  credential: 'managedidentity'
  clientId: identityClientId
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The web console is served at / by the app itself, in place of the host's default page.
        { name: 'AzureWebJobsDisableHomepage', value: 'true' }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: hostBlobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: hostQueueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: hostTableEndpoint }
        { name: 'AzureWebJobsStorage__credential', value: identityConnection.credential }
        { name: 'AzureWebJobsStorage__clientId', value: identityConnection.clientId }
        { name: 'ComplianceStorage__blobServiceUri', value: blobEndpoint }
        { name: 'ComplianceStorage__tableServiceUri', value: tableEndpoint }
        { name: 'ComplianceStorage__queueServiceUri', value: queueEndpoint }
        { name: 'ComplianceStorage__credential', value: identityConnection.credential }
        { name: 'ComplianceStorage__clientId', value: identityConnection.clientId }
        { name: 'AuditStorage__blobServiceUri', value: auditBlobEndpoint }
        { name: 'AuditStorage__credential', value: identityConnection.credential }
        { name: 'AuditStorage__clientId', value: identityConnection.clientId }
        // Bicep creates every table and container; the app's roles are scoped to them and cannot create any.
        { name: 'Storage__ProvisionedByDeployment', value: 'true' }
        { name: 'Messaging__Providers', value: join(providerIds, ',') }
        { name: 'ServiceBus__fullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'ServiceBus__credential', value: identityConnection.credential }
        { name: 'ServiceBus__clientId', value: identityConnection.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'Auth__Authority', value: authAuthority }
        { name: 'Auth__Issuer', value: authIssuer }
        { name: 'Auth__Audience', value: authAudience }
        { name: 'DeadlineSweepSchedule', value: deadlineSweepSchedule }
        { name: 'OrderEventRelaySchedule', value: '*/10 * * * * *' }
        { name: 'MediaIncomingContainer', value: 'media-incoming' }
        { name: 'MediaQuarantineContainer', value: 'media-quarantine' }
        { name: 'MediaPurgeSchedule', value: '0 0 3 * * *' }
        { name: 'HashBankSnapshotSchedule', value: '0 */30 * * * *' }
        { name: 'AuditContainer', value: 'audit' }
        { name: 'AuditExportSchedule', value: '0 10 0 * * *' }
        { name: 'IdempotencyPurgeSchedule', value: '0 20 * * * *' }
        { name: 'CaseErasureSchedule', value: '0 40 3 * * *' }
        { name: 'Cases__Key', value: '@Microsoft.KeyVault(SecretUri=${casesKeySecretUri})' }
        { name: 'AuditSequenceSchedule', value: '0 */5 * * * *' }
        { name: 'DeadlineReconcileSchedule', value: '0 15 * * * *' }
        { name: 'Audit__SigningKeyUri', value: auditSigningKeyUri }
        { name: 'Audit__ClientId', value: identityConnection.clientId }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}deployments'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output appName string = app.name
output defaultHostName string = app.properties.defaultHostName
