// Event Grid delivery of BlobCreated events to the blob-triggered function, which Flex Consumption
// requires (no polling). Deployed after the code, once the host's blobs_extension key exists.

@description('Azure region.')
param location string

param storageAccountName string

param appName string

@description('The [Function] name of the blob-triggered analysis.')
param blobFunctionName string

@description('Container whose new blobs trigger analysis.')
param containerName string

param tags object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${storageAccountName}-events'
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'media-analysis'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${blobFunctionName}&code=${listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // An upload whose event cannot be delivered is kept, not dropped: its evidence would go unanalysed.
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: 'eventgrid-deadletter'
        }
      }
    }
  }
  dependsOn: [ onDeadLetter ]
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${storageAccountName}/default/eventgrid-deadletter'
}

// Storage Blob Data Contributor, for the topic's own identity, on the dead-letter container only.
var deadLetterRoles = [ 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' ]

resource onDeadLetter 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in deadLetterRoles: {
  name: guid(deadLetterContainer.id, systemTopic.id, role)
  scope: deadLetterContainer
  properties: {
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]
