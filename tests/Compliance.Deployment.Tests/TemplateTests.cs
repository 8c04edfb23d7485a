using System.Text.Json;
using System.Text.RegularExpressions;

namespace Compliance.Deployment.Tests;

public sealed class TemplateTests
{
    private static readonly CompiledTemplate Template = CompiledTemplate.Main;

    // Data-plane roles only: no Owner, Contributor or User Access Administrator.
    private static readonly Dictionary<string, string> AllowedRoles = new()
    {
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["db58b8e5-c6ad-4a2a-8342-4fbed791bf91"] = "Storage Blob Delegator",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] = "Azure Service Bus Data Sender",
        ["4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"] = "Azure Service Bus Data Receiver",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["12338af0-0e69-4776-bea7-57ae8d297424"] = "Key Vault Crypto User",
    };

    [Fact]
    public void App_settings_hold_no_keys()
    {
        var site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        var settings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray().ToList();

        Assert.NotEmpty(settings);
        foreach (var setting in settings)
        {
            var text = setting.GetRawText();
            Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey=", text, StringComparison.Ordinal);
        }

        var names = settings.Select(s => s.GetProperty("name").GetString()).ToHashSet();
        Assert.Contains("ServiceBus__fullyQualifiedNamespace", names);
        Assert.Contains("ComplianceStorage__blobServiceUri", names);
        Assert.Contains("ComplianceStorage__credential", names);
        Assert.Contains("ComplianceStorage__clientId", names);
        Assert.Contains("Auth__Authority", names);
        Assert.Contains("AuditStorage__blobServiceUri", names);
        Assert.Contains("Messaging__Providers", names);
        Assert.DoesNotContain("Auth__SigningKey", names);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", names); // Flex Consumption sets the runtime in functionAppConfig
    }

    [Fact]
    public void The_cases_key_is_a_Key_Vault_reference_and_the_audit_key_a_Key_Vault_key_that_only_the_app_identity_may_sign_with()
    {
        var site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        var settings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})'", settings["Cases__Key"], StringComparison.Ordinal);
        Assert.Equal("[parameters('identityId')]", site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
        Assert.Equal("0 40 3 * * *", settings["CaseErasureSchedule"]);
        Assert.False(settings.ContainsKey("Audit__SigningKey"));
        Assert.Equal("[parameters('auditSigningKeyUri')]", settings["Audit__SigningKeyUri"]);
        Assert.Equal("[variables('identityConnection').clientId]", settings["Audit__ClientId"]);

        var vault = Assert.Single(Template.OfType("Microsoft.KeyVault/vaults"));
        Assert.True(vault.GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("properties").GetProperty("enablePurgeProtection").GetBoolean());
        var secretRole = Assert.Single(Template.OfType("Microsoft.Authorization/roleAssignments"), a => a.GetProperty("copy").GetProperty("name").GetString() == "onSecrets");
        Assert.Contains("Microsoft.KeyVault/vaults", secretRole.GetProperty("scope").GetString(), StringComparison.Ordinal);
        // Names compile to [format('{0}/{1}', parameters('vaultName'), '<secret>')]: the secret is the last quoted part.
        Assert.Equal(["cases-key"], Template.OfType("Microsoft.KeyVault/vaults/secrets").Select(s => Regex.Match(s.GetProperty("name").GetString()!, "'([a-z-]+)'\\)\\]$").Groups[1].Value));

        // The signing key is made in the vault and never leaves it: no key material in the template.
        var key = Assert.Single(Template.OfType("Microsoft.KeyVault/vaults/keys"));
        Assert.Equal("EC", key.GetProperty("properties").GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("properties").GetProperty("curveName").GetString());
        Assert.Equal(["sign", "verify"], key.GetProperty("properties").GetProperty("keyOps").EnumerateArray().Select(o => o.GetString()));
        Assert.False(Template.Root.GetProperty("parameters").TryGetProperty("auditSigningKey", out _));
        var cryptoRole = Assert.Single(Template.OfType("Microsoft.Authorization/roleAssignments"), a => a.GetProperty("copy").GetProperty("name").GetString() == "onAuditKey");
        Assert.Contains("Microsoft.KeyVault/vaults/keys", cryptoRole.GetProperty("scope").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Purged_media_is_not_kept_by_soft_delete_logs_go_to_Log_Analytics_and_undeliverable_uploads_are_dead_lettered()
    {
        // The data account says so explicitly; the host and audit accounts keep Azure's default (off).
        var blobServices = Template.OfType("Microsoft.Storage/storageAccounts/blobServices").ToList();
        Assert.Equal(3, blobServices.Count);
        var dataBlobs = Assert.Single(blobServices, b => b.TryGetProperty("properties", out var p) && p.TryGetProperty("deleteRetentionPolicy", out _));
        Assert.False(dataBlobs.GetProperty("properties").GetProperty("deleteRetentionPolicy").GetProperty("enabled").GetBoolean());

        var diagnostics = Template.OfType("Microsoft.Insights/diagnosticSettings").ToList();
        Assert.Equal(4, diagnostics.Count); // data blob service, data table service, audit blob service, Service Bus namespace
        Assert.All(diagnostics, d => Assert.Contains("workspaceId", d.GetProperty("properties").GetProperty("workspaceId").GetString(), StringComparison.Ordinal));

        var subscription = Assert.Single(Template.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        var deadLetter = subscription.GetProperty("properties").GetProperty("deadLetterWithResourceIdentity");
        Assert.Equal("SystemAssigned", deadLetter.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("eventgrid-deadletter", deadLetter.GetProperty("deadLetterDestination").GetProperty("properties").GetProperty("blobContainerName").GetString());
    }

    [Fact]
    public void Operations_are_alerted_to_breaches_per_provider_the_outbox_dead_letters_failed_analyses_and_server_errors()
    {
        var rules = Template.OfType("Microsoft.Insights/scheduledQueryRules").Single();
        Assert.Equal("queryAlerts", rules.GetProperty("copy").GetProperty("name").GetString());
        var queries = Template.Root.GetRawText();
        foreach (var metric in new[] { "compliance.orders.breached", "compliance.outbox.pending", "compliance.outbox.parked", "compliance.media.rejected" })
        {
            Assert.Contains(metric, queries, StringComparison.Ordinal);
        }

        Assert.Contains("customDimensions.provider_id", queries, StringComparison.Ordinal);

        // The backlog alert reads the oldest pending event's age, not only the count of events waiting.
        var backlog = Descendants(Template.Root).Single(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() == "outbox-backlog");
        var query = backlog.GetProperty("query").GetString()!;
        Assert.Contains("ageSeconds = maxif(valueMax, name == \"compliance.outbox.oldest_age\")", query, StringComparison.Ordinal);
        Assert.Contains("where ageSeconds >= {0} or backlog >= {1}', mul(parameters('outboxBacklogAgeMinutes'), 60), parameters('outboxBacklog'))", query, StringComparison.Ordinal);
        var ageParameter = Descendants(Template.Root).Single(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("outboxBacklogAgeMinutes", out var p) && p.TryGetProperty("defaultValue", out _)).GetProperty("outboxBacklogAgeMinutes");
        Assert.Equal(10, ageParameter.GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, ageParameter.GetProperty("minValue").GetInt32());
        Assert.Contains("resultCode", queries, StringComparison.Ordinal);
        var deadLetters = Assert.Single(Template.OfType("Microsoft.Insights/metricAlerts"));
        Assert.Equal("DeadletteredMessages", deadLetters.GetProperty("properties").GetProperty("criteria").GetProperty("allOf")[0].GetProperty("metricName").GetString());
        Assert.Single(Template.OfType("Microsoft.Insights/actionGroups"));
    }

    [Fact]
    public void Every_role_assignment_is_a_data_plane_role_for_a_service_principal()
    {
        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments").ToList();

        // Loops over role/scope pairs: for the app the host account, the data account's tables and
        // containers one by one plus delegation, the audit container, the topic, each provider's queue,
        // Application Insights and its secrets vault; for Event Grid's own identity the dead-letter
        // container; for each provider its own queue and subscription.
        Assert.Equal(
            ["onAppInsights", "onAudit", "onAuditKey", "onContainers", "onDataAccountDelegation", "onDataQueues", "onDeadLetter", "onHostStorage", "onQueues", "onSecrets", "onTables", "onTopic", "providerReads", "providerSends"],
            assignments.Select(a => a.GetProperty("copy").GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        foreach (var assignment in assignments)
        {
            var properties = assignment.GetProperty("properties");
            Assert.Equal("ServicePrincipal", properties.GetProperty("principalType").GetString());
            Assert.StartsWith("[guid(", assignment.GetProperty("name").GetString(), StringComparison.Ordinal);
            var role = properties.GetProperty("roleDefinitionId").GetString()!;
            Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ", role, StringComparison.Ordinal);
            Assert.Matches(@"variables\('(roles|hostRoles|secretsUser|cryptoUser|deadLetterRoles)'\)", role);
        }

        // Every id the assignments can draw on is in the allowed set, and no other GUID (Owner,
        // Contributor, User Access Administrator...) appears anywhere in the template.
        var guids = Regex.Matches(Template.Root.GetRawText(), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Select(m => m.Value).ToHashSet();
        Assert.Subset(AllowedRoles.Keys.ToHashSet(), guids);
        Assert.Equal(AllowedRoles.Count, guids.Count);
    }

    [Fact]
    public void The_audit_archive_is_an_account_of_its_own_whose_every_blob_version_is_immutable_with_a_lock_option()
    {
        var audit = Assert.Single(StorageAccounts(), a => a.GetProperty("properties").TryGetProperty("immutableStorageWithVersioning", out _));
        var worm = audit.GetProperty("properties").GetProperty("immutableStorageWithVersioning");

        Assert.True(worm.GetProperty("enabled").GetBoolean());
        var policy = worm.GetProperty("immutabilityPolicy");
        Assert.Equal("[parameters('immutabilityDays')]", policy.GetProperty("immutabilityPeriodSinceCreationInDays").GetString());
        Assert.Equal("[if(parameters('lockImmutability'), 'Locked', 'Unlocked')]", policy.GetProperty("state").GetString());
        Assert.False(policy.GetProperty("allowProtectedAppendWrites").GetBoolean());
        Assert.Contains(Template.OfType("Microsoft.Storage/storageAccounts/blobServices"), s => s.TryGetProperty("properties", out var p) && p.TryGetProperty("isVersioningEnabled", out var v) && v.GetBoolean());
        Assert.Contains(Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c.GetProperty("name").GetString()!.Contains("'audit'", StringComparison.Ordinal));

        var main = Template.Root.GetProperty("parameters").GetProperty("lockAuditImmutability");
        Assert.False(main.GetProperty("defaultValue").GetBoolean());
        Assert.Empty(Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));
    }

    [Fact]
    public void The_code_and_host_keys_live_in_an_account_apart_from_the_data_and_data_roles_are_scoped_per_table_and_container()
    {
        Assert.Equal(3, StorageAccounts().Count());
        var site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        var settings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal("[parameters('hostBlobEndpoint')]", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal("[parameters('blobEndpoint')]", settings["ComplianceStorage__blobServiceUri"]);
        Assert.Equal("[parameters('auditBlobEndpoint')]", settings["AuditStorage__blobServiceUri"]);
        Assert.Equal("true", settings["Storage__ProvisionedByDeployment"]);
        var deployment = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage").GetProperty("value").GetString();
        Assert.Equal("[format('{0}deployments', parameters('hostBlobEndpoint'))]", deployment);

        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments").ToDictionary(a => a.GetProperty("copy").GetProperty("name").GetString()!);
        Assert.Contains("Microsoft.Storage/storageAccounts/tableServices/tables", assignments["onTables"].GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers", assignments["onContainers"].GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers", assignments["onAudit"].GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("storageBlobDelegator", assignments["onDataAccountDelegation"].GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        Assert.Contains("hostStorageAccountName", assignments["onHostStorage"].GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts/queueServices", assignments["onDataQueues"].GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('queueEndpoint')]", settings["ComplianceStorage__queueServiceUri"]);

        // Bicep creates every table the code uses, since the app can no longer create one.
        var storageModule = Assert.Single(Template.OfType("Microsoft.Resources/deployments"), d => d.GetProperty("name").GetString() == "storage");
        var tables = storageModule.GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("tableNames").EnumerateArray().Select(n => n.GetString()!);
        var inCode = typeof(Compliance.Infrastructure.Storage.TableNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(inCode.Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_provider_has_a_responses_queue_of_its_own_and_its_principal_may_send_there_and_read_its_own_subscription_only()
    {
        var queue = Assert.Single(Template.OfType("Microsoft.ServiceBus/namespaces/queues"));
        Assert.Equal("[format('{0}/{1}', parameters('namespaceName'), format('provider-responses-{0}', parameters('providerIds')[copyIndex()]))]", queue.GetProperty("name").GetString());

        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments").ToDictionary(a => a.GetProperty("copy").GetProperty("name").GetString()!);
        var sends = assignments["providerSends"];
        Assert.Contains("Microsoft.ServiceBus/namespaces/queues", sends.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("serviceBusDataSender", sends.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        Assert.Contains("parameters('providerPrincipals')", sends.GetProperty("properties").GetProperty("principalId").GetString(), StringComparison.Ordinal);
        var reads = assignments["providerReads"];
        Assert.Contains("Microsoft.ServiceBus/namespaces/topics/subscriptions", reads.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("serviceBusDataReceiver", reads.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        var app = assignments["onQueues"];
        Assert.Contains("Microsoft.ServiceBus/namespaces/queues", app.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("serviceBusDataReceiver", app.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<JsonElement> StorageAccounts() =>
        Template.OfType("Microsoft.Storage/storageAccounts").Where(r => r.TryGetProperty("properties", out _));

    [Fact]
    public void The_app_runs_on_Flex_Consumption_with_identity_authenticated_deployment_storage()
    {
        var plan = Assert.Single(Template.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());

        var config = Assert.Single(Template.OfType("Microsoft.Web/sites")).GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
    }

    [Fact]
    public void Key_based_access_is_disabled_on_storage_service_bus_and_monitoring()
    {
        Assert.Equal(3, StorageAccounts().Count());
        Assert.All(StorageAccounts(), storage =>
        {
            Assert.False(storage.GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(storage.GetProperty("properties").GetProperty("allowBlobPublicAccess").GetBoolean());
        });

        var serviceBus = Assert.Single(Template.OfType("Microsoft.ServiceBus/namespaces"), r => r.TryGetProperty("properties", out _));
        Assert.True(serviceBus.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());

        var insights = Assert.Single(Template.OfType("Microsoft.Insights/components"), r => r.TryGetProperty("properties", out _));
        Assert.True(insights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
    }

    [Fact]
    public void Provider_subscriptions_replace_the_default_rule_with_a_correlation_filter_on_providerId()
    {
        var rule = Assert.Single(Template.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules"));

        Assert.Contains("'$Default'", rule.GetProperty("name").GetString(), StringComparison.Ordinal);
        var filter = rule.GetProperty("properties");
        Assert.Equal("CorrelationFilter", filter.GetProperty("filterType").GetString());
        Assert.True(filter.GetProperty("correlationFilter").GetProperty("properties").TryGetProperty("providerId", out _));
    }

    /// <summary>
    /// Exactly-once events and responses in Azure rest on the broker dropping a resent MessageId:
    /// the relay and the providers resend after a crash with the same id.
    /// </summary>
    [Fact]
    public void The_event_topic_and_the_response_queue_drop_duplicate_message_ids_for_an_hour()
    {
        var topic = Assert.Single(Template.OfType("Microsoft.ServiceBus/namespaces/topics"));
        var queue = Assert.Single(Template.OfType("Microsoft.ServiceBus/namespaces/queues"));

        foreach (var entity in new[] { topic, queue })
        {
            var properties = entity.GetProperty("properties");
            Assert.True(properties.GetProperty("requiresDuplicateDetection").GetBoolean());
            Assert.Equal("PT1H", properties.GetProperty("duplicateDetectionHistoryTimeWindow").GetString());
        }
    }

    [Fact]
    public void Incoming_media_is_deleted_after_the_preservation_period()
    {
        var policy = Assert.Single(Template.OfType("Microsoft.Storage/storageAccounts/managementPolicies"));
        var rule = policy.GetProperty("properties").GetProperty("policy").GetProperty("rules")[0].GetProperty("definition");

        Assert.Contains("media-incoming/", rule.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("[parameters('mediaRetentionDays')]", rule.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterCreationGreaterThan").GetString());
    }

    private static IEnumerable<JsonElement> Descendants(JsonElement element)
    {
        yield return element;
        var children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => element.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
