// The key that protects victims' personal data in cases and derives their access codes. It lives
// in Key Vault, the app reads it through a Key Vault reference with its own identity, and only
// that identity may read this one secret.

param location string

param vaultName string

@description('Principal (object) id of the app\'s managed identity.')
param principalId string

@secure()
@minLength(44)
@description('Base64 of 32 random bytes (e.g. openssl rand -base64 32).')
param casesKey string

param tags object

// Key Vault Secrets User: read secret values, nothing else.
var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }

  resource secret 'secrets' = {
    name: 'cases-key'
    properties: {
      value: casesKey
      contentType: 'base64 AES-256 key'
    }
  }
}

resource onCasesKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ secretsUser ]: {
  name: guid(vault::secret.id, principalId, role)
  scope: vault::secret
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

@description('Versionless secret URI, so a rotated key is picked up.')
output casesKeySecretUri string = '${vault.properties.vaultUri}secrets/cases-key'
