// Least-privilege data-plane roles, each at the narrowest scope that works:
// - the app: the host account (its own code, keys and leases); on the data account each of its
//   tables and containers by name, its queue service (the blob trigger's poison queue), plus the
//   right to sign user-delegation upload URLs (no data);
//   the audit container; Service Bus sender on the topic, receiver on each provider's queue;
//   metrics publisher on Application Insights;
// - each provider's own principal, where given: sender on its own responses queue and receiver on
//   its own events subscription, nothing else. The queue a message arrives on names its sender.

@description('Principal (object) id of the app\'s managed identity.')
param principalId string

param hostStorageAccountName string

param dataStorageAccountName string

@description('The data account\'s tables (each gets a role of its own).')
param tableNames array

@description('The data account\'s containers that the app uses.')
param appContainerNames array

param auditStorageAccountName string

param serviceBusNamespaceName string

@description('Provider ids: each has a responses queue and an events subscription of its own.')
param providerIds array

@description('Entra object id of each provider\'s service principal, keyed by provider id.')
param providerPrincipals object

param appInsightsName string

// Built-in role definition ids (stable across tenants).
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4fbed791bf91'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource dataTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for name in tableNames: {
  name: '${dataStorageAccountName}/default/${name}'
}]

resource dataQueues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: dataStorage
  name: 'default'
}

resource dataContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for name in appContainerNames: {
  name: '${dataStorageAccountName}/default/${name}'
}]

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${auditStorageAccountName}/default/audit'
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource topic 'topics' existing = {
    name: 'order-events'
  }
}

resource responseQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [for providerId in providerIds: {
  parent: namespace
  name: 'provider-responses-${providerId}'
}]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var hostRoles = [
  roles.storageBlobDataContributor
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource onHostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in hostRoles: {
  name: guid(hostStorage.id, principalId, role)
  scope: hostStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Signing a user-delegation SAS needs an account-level action; the delegator role grants it and no
// data: a URL it signs can do no more than the app's role on that container allows.
resource onDataAccountDelegation 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.storageBlobDelegator ]: {
  name: guid(dataStorage.id, principalId, role)
  scope: dataStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource onTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in tableNames: {
  name: guid(dataTables[i].id, principalId, roles.storageTableDataContributor)
  scope: dataTables[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}]

resource onContainers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in appContainerNames: {
  name: guid(dataContainers[i].id, principalId, roles.storageBlobDataContributor)
  scope: dataContainers[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}]

// The blob trigger (connection ComplianceStorage) parks a blob that keeps failing in the
// webjobs-blobtrigger-poison queue of the same account; the account holds no other queue.
resource onDataQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.storageQueueDataContributor ]: {
  name: guid(dataQueues.id, principalId, role)
  scope: dataQueues
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Writes are create-only in the app and the account's WORM policy refuses changes to any version.
resource onAudit 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.storageBlobDataContributor ]: {
  name: guid(auditContainer.id, principalId, role)
  scope: auditContainer
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource onTopic 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.serviceBusDataSender ]: {
  name: guid(namespace::topic.id, principalId, role)
  scope: namespace::topic
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource onQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (providerId, i) in providerIds: {
  name: guid(responseQueues[i].id, principalId, roles.serviceBusDataReceiver)
  scope: responseQueues[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
  }
}]

resource onAppInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.monitoringMetricsPublisher ]: {
  name: guid(appInsights.id, principalId, role)
  scope: appInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Providers whose principal is known; the others answer over HTTPS only.
var providersWithPrincipals = filter(providerIds, id => contains(providerPrincipals, id))

resource providerResponseQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [for providerId in providersWithPrincipals: {
  parent: namespace
  name: 'provider-responses-${providerId}'
}]

resource providerSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = [for providerId in providersWithPrincipals: {
  parent: namespace::topic
  name: providerId
}]

resource providerSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (providerId, i) in providersWithPrincipals: {
  name: guid(providerResponseQueues[i].id, providerPrincipals[providerId], roles.serviceBusDataSender)
  scope: providerResponseQueues[i]
  properties: {
    principalId: providerPrincipals[providerId]
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}]

resource providerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (providerId, i) in providersWithPrincipals: {
  name: guid(providerSubscriptions[i].id, providerPrincipals[providerId], roles.serviceBusDataReceiver)
  scope: providerSubscriptions[i]
  properties: {
    principalId: providerPrincipals[providerId]
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
  }
}]
