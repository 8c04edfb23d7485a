// The app's keys, in a vault of their own: the secret that protects victims' personal data in cases
// (and derives their access codes), read through a Key Vault reference; and the EC P-256 key that
// signs audit-log checkpoints, which never leaves the vault (the app may only ask it to sign).
// Only the app's identity may use either.

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

// Key Vault Crypto User: sign and verify with a key, never read its private half.
var cryptoUser = '12338af0-0e69-4776-bea7-57ae8d297424'

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

  resource auditKey 'keys' = {
    name: 'audit-signing-key'
    properties: {
      kty: 'EC'
      curveName: 'P-256'
      keyOps: [ 'sign', 'verify' ]
    }
  }
}

// On the vault, which holds only the app's own secret and key.
resource onSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ secretsUser ]: {
  name: guid(vault.id, principalId, role)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// On the signing key alone.
resource onAuditKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ cryptoUser ]: {
  name: guid(vault::auditKey.id, principalId, role)
  scope: vault::auditKey
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

@description('Versionless secret URI, so a rotated key is picked up.')
output casesKeySecretUri string = '${vault.properties.vaultUri}secrets/cases-key'

@description('The signing key with its version: every checkpoint names one fixed public key, which verifiers pin.')
output auditSigningKeyUri string = vault::auditKey.properties.keyUriWithVersion
