using Azure.Messaging.ServiceBus;
using Compliance.Application;

namespace Compliance.Infrastructure.Messaging;

/// <summary>
/// Publishes order events to the topic. The providerId application property is what each
/// provider's subscription filters on; MessageId makes a republished event a duplicate.
/// </summary>
public sealed class ServiceBusEventPublisher : IEventPublisher, IAsyncDisposable
{
    private readonly ServiceBusConnection _connection;
    private readonly Lazy<ServiceBusClient> _client;
    private readonly Lazy<ServiceBusSender> _sender;

    public ServiceBusEventPublisher(ServiceBusConnection connection, MessagingOptions options)
    {
        _connection = connection;
        _client = new Lazy<ServiceBusClient>(connection.CreateClient);
        _sender = new Lazy<ServiceBusSender>(() => _client.Value.CreateSender(options.EventsTopic));
    }

    public bool IsConfigured => _connection.IsConfigured;

    private ServiceBusSender Sender => _sender.Value;

    public async Task PublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken)
    {
        var messages = events.Select(e => new ServiceBusMessage(BinaryData.FromString(e.Body))
        {
            MessageId = e.MessageId,
            ContentType = "application/cloudevents+json",
            Subject = e.Type,
            ApplicationProperties =
            {
                ["providerId"] = e.ProviderId,
                ["orderId"] = e.OrderId,
                ["type"] = e.Type,
                ["sequence"] = e.Sequence,
            },
        }).ToList();
        await Sender.SendMessagesAsync(messages, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsValueCreated)
        {
            await _client.Value.DisposeAsync();
        }
    }
}
