using Compliance.Infrastructure.Messaging;
using Compliance.LocalBroker;

namespace Compliance.LocalHost;

/// <summary>Settings of the in-process Service Bus stand-in (section LocalBroker).</summary>
public sealed class LocalBrokerOptions
{
    public const string Section = "LocalBroker";

    /// <summary>Port to listen on; no broker is started when unset.</summary>
    public int? Port { get; set; }

    /// <summary>The namespace-wide key (the app's own); each provider's key is derived from it.</summary>
    public string NamespaceKey { get; set; } = LocalServiceBus.DevelopmentNamespaceKey;
}

/// <summary>
/// Runs the local broker inside the local host with the topology and access Bicep deploys: topic
/// order-events with a regulator subscription and one correlation-filtered subscription per provider,
/// and one responses queue per provider; each provider's key may send to its own queue and read its
/// own subscription only (in Azure: RBAC roles scoped to them). Registered before the app's own
/// services so it is up when they connect.
/// </summary>
public sealed class LocalBrokerService(LocalBrokerOptions options, MessagingOptions messaging) : IHostedService, IDisposable
{
    private LocalServiceBus? _broker;

    public LocalServiceBus? Broker => _broker;

    public static string ConnectionStringFor(int port, string namespaceKey) => new LocalServiceBus(port, namespaceKey: namespaceKey).ConnectionString;

    public static AuthorizationRule ProviderRule(MessagingOptions messaging, string namespaceKey, string providerId) =>
        AuthorizationRule.ForProvider(namespaceKey, providerId, messaging.ResponsesQueueOf(providerId), messaging.EventsSubscriptionOf(providerId));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Port is not { } port)
        {
            return Task.CompletedTask;
        }

        _broker = new LocalServiceBus(port, namespaceKey: options.NamespaceKey);
        _broker.AddTopic(messaging.EventsTopic);
        _broker.AddSubscription(messaging.EventsTopic, MessagingOptions.RegulatorSubscription);
        foreach (var provider in messaging.ProviderIds)
        {
            _broker.AddSubscription(messaging.EventsTopic, provider, CorrelationFilter.On("providerId", provider));
            _broker.AddQueue(messaging.ResponsesQueueOf(provider), new EntityOptions { MaxDeliveryCount = 5 });
            _broker.AddAuthorizationRule(ProviderRule(messaging, options.NamespaceKey, provider));
        }

        _broker.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _broker?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _broker?.Dispose();
}
