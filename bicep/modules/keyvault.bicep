// The app's two secrets: the key that protects victims' personal data in cases (and derives their
// access codes), and the key that signs audit-log checkpoints. They live in a vault of their own,
// the app reads them through Key Vault references with its identity, and only that identity may
// read them.

param location string

param vaultName string

@description('Principal (object) id of the app\'s managed identity.')
param principalId string

@secure()
@minLength(44)
@description('Base64 of 32 random bytes (e.g. openssl rand -base64 32).')
param casesKey string

@secure()
@minLength(100)
@description('PKCS#8 PEM of a P-256 key (openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -nocrypt).')
param auditSigningKey string

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

  resource auditSecret 'secrets' = {
    name: 'audit-signing-key'
    properties: {
      value: auditSigningKey
      contentType: 'PKCS#8 PEM, ECDSA P-256'
    }
  }
}

// On the vault, which holds only the app's own two secrets.
resource onSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ secretsUser ]: {
  name: guid(vault.id, principalId, role)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

@description('Versionless secret URI, so a rotated key is picked up.')
output casesKeySecretUri string = '${vault.properties.vaultUri}secrets/cases-key'

output auditSigningKeySecretUri string = '${vault.properties.vaultUri}secrets/audit-signing-key'
