using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Compliance.Infrastructure.Messaging;

/// <summary>Entity names and processing limits; the connection comes from the ServiceBus setting.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public string EventsTopic { get; set; } = "order-events";

    public string ResponsesQueue { get; set; } = "provider-responses";

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
