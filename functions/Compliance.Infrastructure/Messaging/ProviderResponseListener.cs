using Azure.Messaging.ServiceBus;
using Compliance.Application;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compliance.Infrastructure.Messaging;

/// <summary>
/// Consumes the provider-responses queue with a ServiceBusProcessor (no Service Bus trigger
/// extension is available to the worker). Refused messages are dead-lettered with a reason, never
/// retried; failures on our side are abandoned for redelivery up to the queue's MaxDeliveryCount.
/// </summary>
public sealed partial class ProviderResponseListener(
    ServiceBusConnection connection,
    MessagingOptions options,
    ProviderResponseHandler handler,
    ILogger<ProviderResponseListener> logger) : IHostedService, IAsyncDisposable
{
    public const string AuthorizationProperty = "authorization";

    private ServiceBusClient? _client;
    private ServiceBusProcessor? _processor;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsConfigured)
        {
            return;
        }

        _client = connection.CreateClient();
        _processor = _client.CreateProcessor(options.ResponsesQueue, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = options.MaxConcurrentCalls,
        });
        _processor.ProcessMessageAsync += OnMessageAsync;
        _processor.ProcessErrorAsync += args =>
        {
            LogError(logger, args.ErrorSource.ToString(), args.Exception.GetType().Name);
            return Task.CompletedTask;
        };
        await _processor.StartProcessingAsync(cancellationToken);
    }

    /// <summary>Stops and closes the links while the broker is still reachable (closing drains them).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_processor is not null)
        {
            await _processor.StopProcessingAsync(cancellationToken);
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        var processor = Interlocked.Exchange(ref _processor, null);
        if (processor is not null)
        {
            await processor.DisposeAsync();
        }

        var client = Interlocked.Exchange(ref _client, null);
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    private async Task OnMessageAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        var authorization = message.ApplicationProperties.TryGetValue(AuthorizationProperty, out var value) ? value as string : null;
        var outcome = await handler.HandleAsync(new InboundResponse(message.MessageId, authorization, message.Body.ToArray(), message.EnqueuedTime == default ? null : message.EnqueuedTime), args.CancellationToken);
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
