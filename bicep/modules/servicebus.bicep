// Service Bus for order events: topic order-events with a regulator subscription (everything) and
// one subscription per provider (correlation filter on providerId), plus one inbound responses
// queue per provider, which only that provider's identity may send to (access.bicep). Local (SAS
// key) auth is disabled: identities only.

@description('Azure region.')
param location string

@description('Globally unique namespace name.')
param namespaceName string

@description('Provider ids that get a subscription of their own.')
param providerIds array

@description('Log Analytics workspace that receives the namespace\'s logs and metrics.')
param workspaceId string

param tags object

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'order-events'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource regulator 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: topic
  name: 'regulator'
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

resource providerSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for providerId in providerIds: {
  parent: topic
  name: providerId
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}]

// Replacing $Default (match everything) is what restricts a subscription to its own provider.
resource providerFilters 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for (providerId, i) in providerIds: {
  parent: providerSubscriptions[i]
  name: '$Default'
  properties: {
    filterType: 'CorrelationFilter'
    correlationFilter: {
      properties: {
        providerId: providerId
      }
    }
  }
}]

resource responses 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for providerId in providerIds: {
  parent: namespace
  name: 'provider-responses-${providerId}'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    maxDeliveryCount: 5
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}]

output namespaceName string = namespace.name

output namespaceId string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'

resource namespaceLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}
