using Azure.Messaging.ServiceBus;
using Compliance.Application;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compliance.Infrastructure.Messaging;

/// <summary>
/// Consumes each provider's responses queue with a ServiceBusProcessor of its own (no Service Bus
/// trigger extension is available to the worker). The queue names the sender: only that provider's
/// identity may send to it, so messages carry no token. Refused messages are dead-lettered with a
/// reason, never retried; failures on our side are abandoned for redelivery up to the queue's
/// MaxDeliveryCount.
/// </summary>
public sealed partial class ProviderResponseListener(
    ServiceBusConnection connection,
    MessagingOptions options,
    ProviderResponseHandler handler,
    ILogger<ProviderResponseListener> logger) : IHostedService, IAsyncDisposable
{
    private ServiceBusClient? _client;
    private List<ServiceBusProcessor> _processors = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsConfigured)
        {
            return;
        }

        _client = connection.CreateClient();
        foreach (var providerId in options.ProviderIds)
        {
            var processor = _client.CreateProcessor(options.ResponsesQueueOf(providerId), new ServiceBusProcessorOptions
            {
                AutoCompleteMessages = false,
                MaxConcurrentCalls = options.MaxConcurrentCalls,
            });
            processor.ProcessMessageAsync += args => OnMessageAsync(providerId, args);
            processor.ProcessErrorAsync += args =>
            {
                LogError(logger, args.ErrorSource.ToString(), args.Exception.GetType().Name);
                return Task.CompletedTask;
            };
            _processors.Add(processor);
            await processor.StartProcessingAsync(cancellationToken);
        }
    }

    /// <summary>Stops and closes the links while the broker is still reachable (closing drains them).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var processor in _processors)
        {
            await processor.StopProcessingAsync(cancellationToken);
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in Interlocked.Exchange(ref _processors, []))
        {
            await processor.DisposeAsync();
        }

        var client = Interlocked.Exchange(ref _client, null);
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    private async Task OnMessageAsync(string providerId, ProcessMessageEventArgs args)
    {
        var message = args.Message;
        var outcome = await handler.HandleAsync(new InboundResponse(message.MessageId, providerId, message.Body.ToArray(), message.EnqueuedTime == default ? null : message.EnqueuedTime), args.CancellationToken);
        switch (outcome)
        {
            case InboundOutcome.Done:
                await args.CompleteMessageAsync(message, args.CancellationToken);
                break;
            case InboundOutcome.Refused refused:
                LogRefused(logger, message.MessageId, refused.Reason);
                await args.DeadLetterMessageAsync(message, refused.Reason, refused.Description, args.CancellationToken);
                break;
            default:
                await args.AbandonMessageAsync(message, cancellationToken: args.CancellationToken);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider response {MessageId} dead-lettered: {Reason}")]
    private static partial void LogRefused(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provider response processing error in {Source}: {ExceptionType}")]
    private static partial void LogError(ILogger logger, string source, string exceptionType);
}
