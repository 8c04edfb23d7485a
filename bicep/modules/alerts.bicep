// What a regulator's operations team is paged for: a provider missing deadlines, the outbox backing
// up (by the age of its oldest event, and by its size) or parking events, dead-lettered messages,
// evidence that could not be analysed, and server errors. Queries read the app's OpenTelemetry
// metrics and requests in Application Insights.

param location string

param namePrefix string

param appInsightsId string

param serviceBusNamespaceId string

@description('E-mail of the operations team; empty for no e-mail receiver.')
param operationsEmail string = ''

@description('Breaches of one provider within an hour that raise an alert.')
@minValue(1)
param breachesPerProviderPerHour int = 5

@description('Events waiting in the outbox, at its largest over 15 minutes, that raise an alert.')
@minValue(1)
param outboxBacklog int = 200

@description('Minutes the oldest event may wait in the outbox before an alert: a small backlog that is stuck shows only in its age.')
@minValue(1)
param outboxBacklogAgeMinutes int = 10

@description('Share of requests answered 5xx over 15 minutes that raises an alert (percent).')
@minValue(1)
param serverErrorPercent int = 2

param tags object

resource operations 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-operations'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'compliance'
    enabled: true
    emailReceivers: empty(operationsEmail) ? [] : [ { name: 'operations', emailAddress: operationsEmail, useCommonAlertSchema: true } ]
  }
}

var queries = [
  {
    name: 'breaches-per-provider'
    description: 'A provider missed more deadlines in an hour than the threshold.'
    severity: 1
    window: 'PT1H'
    query: 'customMetrics | where name == "compliance.orders.breached" | extend provider = tostring(customDimensions.provider_id) | summarize breaches = sum(valueSum) by provider | where breaches >= ${breachesPerProviderPerHour}'
  }
  {
    name: 'outbox-backlog'
    description: 'Order events wait in the outbox too long (the age of the oldest), or too many of them wait.'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name in ("compliance.outbox.oldest_age", "compliance.outbox.pending") | summarize ageSeconds = maxif(valueMax, name == "compliance.outbox.oldest_age"), backlog = maxif(valueMax, name == "compliance.outbox.pending") | where ageSeconds >= ${outboxBacklogAgeMinutes * 60} or backlog >= ${outboxBacklog}'
  }
  {
    name: 'outbox-parked'
    description: 'An order event failed to publish five times and was parked.'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name == "compliance.outbox.parked" | summarize parked = sum(valueSum) | where parked > 0'
  }
  {
    name: 'failed-analyses'
    description: 'Evidence was rejected by the analysis.'
    severity: 3
    window: 'PT15M'
    query: 'customMetrics | where name == "compliance.media.rejected" | extend reason = tostring(customDimensions.reason) | summarize rejected = sum(valueSum) by reason | where rejected > 0'
  }
  {
    name: 'server-errors'
    description: 'Too many requests answered with a server error.'
    severity: 1
    window: 'PT15M'
    query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total > 0 and 100.0 * failed / total >= ${serverErrorPercent}'
  }
]

resource queryAlerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for q in queries: {
  name: '${namePrefix}-${q.name}'
  location: location
  tags: tags
  properties: {
    description: q.description
    severity: q.severity
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: q.window
    criteria: {
      allOf: [
        {
          query: q.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [ operations.id ] }
  }
}]

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-lettered-messages'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages were dead-lettered: a provider response or an order event could not be processed.'
    severity: 2
    enabled: true
    scopes: [ serviceBusNamespaceId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricName: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [ { actionGroupId: operations.id } ]
  }
}
