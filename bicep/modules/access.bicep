// Least-privilege data-plane roles for the app's identity, each at the narrowest scope that works:
// storage data roles on the account (the Functions host and the app share it), Service Bus sender
// on the topic only, receiver on the queue only, metrics publisher on Application Insights only.

@description('Principal (object) id of the app\'s managed identity.')
param principalId string

param storageAccountName string

param serviceBusNamespaceName string

param appInsightsName string

// Built-in role definition ids (stable across tenants).
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource topic 'topics' existing = {
    name: 'order-events'
  }

  resource queue 'queues' existing = {
    name: 'provider-responses'
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var storageRoles = [
  roles.storageBlobDataContributor
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource onStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, principalId, role)
  scope: storage
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

resource onQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.serviceBusDataReceiver ]: {
  name: guid(namespace::queue.id, principalId, role)
  scope: namespace::queue
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
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
