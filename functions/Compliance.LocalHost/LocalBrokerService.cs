using Compliance.Infrastructure.Messaging;
using Compliance.LocalBroker;

namespace Compliance.LocalHost;

/// <summary>Settings of the in-process Service Bus stand-in (section LocalBroker).</summary>
public sealed class LocalBrokerOptions
{
    public const string Section = "LocalBroker";

    /// <summary>Port to listen on; no broker is started when unset.</summary>
    public int? Port { get; set; }

    /// <summary>Provider ids that get an order-events subscription, as Bicep's providerIds does in Azure.</summary>
    public string Providers { get; set; } = string.Empty;
}

/// <summary>
/// Runs the local broker inside the local host with the topology Bicep deploys: topic order-events
/// with a regulator subscription and one correlation-filtered subscription per provider, and the
/// provider-responses queue. Registered before the app's own services so it is up when they connect.
/// </summary>
public sealed class LocalBrokerService(LocalBrokerOptions options, MessagingOptions messaging) : IHostedService, IDisposable
{
    private LocalServiceBus? _broker;

    public LocalServiceBus? Broker => _broker;

    public static string ConnectionStringFor(int port) => new LocalServiceBus(port).ConnectionString;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Port is not { } port)
        {
            return Task.CompletedTask;
        }

        _broker = new LocalServiceBus(port);
        _broker.AddTopic(messaging.EventsTopic);
        _broker.AddSubscription(messaging.EventsTopic, "regulator");
        foreach (var provider in options.Providers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            _broker.AddSubscription(messaging.EventsTopic, provider, CorrelationFilter.On("providerId", provider));
        }

        _broker.AddQueue(messaging.ResponsesQueue, new EntityOptions { MaxDeliveryCount = 5 });
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
