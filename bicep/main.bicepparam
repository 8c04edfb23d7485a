using 'main.bicep'

// Example values: replace the tenant and application ids with your own.
param environmentName = 'prod'
param authAuthority = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0'
param authIssuer = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0'
param authAudience = 'api://compliance'
// From the environment, never from this file: openssl rand -base64 32.
param casesKey = readEnvironmentVariable('COMPLIANCE_CASES_KEY', '')
param providerIds = [
  'prov-a'
  'prov-b'
]
// Each provider's service principal (Entra object id), to send to its own responses queue and read its
// own events subscription. Providers not listed answer over HTTPS only.
param providerPrincipals = {}
