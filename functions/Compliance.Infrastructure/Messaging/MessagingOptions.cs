using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Compliance.Infrastructure.Messaging;

/// <summary>Entity names and processing limits; the connection comes from the ServiceBus setting.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public string EventsTopic { get; set; } = "order-events";

    /// <summary>The prefix of each provider's own responses queue, <see cref="ResponsesQueueOf"/>.</summary>
    public string ResponsesQueue { get; set; } = "provider-responses";

    /// <summary>
    /// Providers with a responses queue and an events subscription of their own (comma-separated, as
    /// Bicep's providerIds). The queue a message arrives on says which provider sent it: only that
    /// provider's identity may send there, so no token travels inside a message.
    /// </summary>
    public string Providers { get; set; } = string.Empty;

    public IReadOnlyList<string> ProviderIds => Providers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Refuses provider ids that would share an entity or a key: ids must be provider identifiers
    /// (lower case, so no two differ by case alone), distinct, and not the regulator's subscription.
    /// </summary>
    public MessagingOptions Validated()
    {
        var bad = ProviderIds.FirstOrDefault(id => !Compliance.Providers.ProviderIds.IsValid(id) || id == RegulatorSubscription);
        if (bad is not null)
        {
            throw new InvalidOperationException($"Messaging:Providers: '{bad}' is not a provider id (lower-case letters, digits and hyphens; not '{RegulatorSubscription}').");
        }

        var twice = ProviderIds.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? this : throw new InvalidOperationException($"Messaging:Providers names '{twice.Key}' twice.");
    }

    public const string RegulatorSubscription = "regulator";

    public string ResponsesQueueOf(string providerId) => $"{ResponsesQueue}-{providerId}";

    public string EventsSubscriptionOf(string providerId) => $"{EventsTopic}/Subscriptions/{providerId}";

    public int MaxConcurrentCalls { get; set; } = 4;
}

/// <summary>
/// The ServiceBus setting in either Functions form: a connection string (the local broker), or
/// identity-based <c>__fullyQualifiedNamespace</c> with an optional user-assigned <c>__clientId</c>.
/// </summary>
public sealed record ServiceBusConnection(string? ConnectionString, string? FullyQualifiedNamespace, string? ClientId)
{
    public bool IsConfigured => ConnectionString is not null || FullyQualifiedNamespace is not null;

    public ServiceBusClient CreateClient()
    {
        if (ConnectionString is not null)
        {
            return new ServiceBusClient(ConnectionString);
        }

        TokenCredential credential = ClientId is null ? new DefaultAzureCredential() : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));
        return new ServiceBusClient(FullyQualifiedNamespace ?? throw new InvalidOperationException("ServiceBus is not configured."), credential);
    }
}
