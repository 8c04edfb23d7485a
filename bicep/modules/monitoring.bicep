// Log Analytics and workspace-based Application Insights, both with local (key) auth disabled:
// telemetry is accepted only from Entra ID identities such as the app's managed identity.

@description('Azure region.')
param location string

@description('Prefix for resource names.')
param namePrefix string

param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-ai'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name

output appInsightsId string = appInsights.id

output workspaceId string = workspace.id
output connectionString string = appInsights.properties.ConnectionString
