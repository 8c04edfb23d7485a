using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Compliance.LocalBroker;

namespace Compliance.Cli;

/// <summary>
/// Prints order events from a subscription of the order-events topic, one CloudEvent JSON per line,
/// completing each; stops after --max events or when --timeout seconds pass (exit 0 either way).
/// </summary>
internal static class EventsTailCommand
{
    public const int LocalBrokerPort = 5673;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The connection string the local host's broker accepts from this provider and no other.</summary>
    public static string ProviderConnectionString(string providerId, int port, string namespaceKey)
    {
        var messaging = new Compliance.Infrastructure.Messaging.MessagingOptions { Providers = providerId }.Validated();
        var rule = AuthorizationRule.ForProvider(namespaceKey, providerId, messaging.ResponsesQueueOf(providerId), messaging.EventsSubscriptionOf(providerId));
        return new LocalServiceBus(port, namespaceKey: namespaceKey).ConnectionStringFor(rule);
    }

    public static async Task<int> RunAsync(string subscription, int max, TimeSpan timeout, string topic, string? connectionString, TextWriter output)
    {
        var connection = connectionString ?? Environment.GetEnvironmentVariable("ServiceBus") ?? new LocalServiceBus(LocalBrokerPort).ConnectionString;

        await using var client = new ServiceBusClient(connection);
        await using var receiver = client.CreateReceiver(topic, subscription);
        using var deadline = new CancellationTokenSource(timeout);
        var received = 0;
        try
        {
            while (received < max)
            {
                var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5), deadline.Token);
                if (message is null)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(message.Body.ToMemory());
                await output.WriteLineAsync(JsonSerializer.Serialize(document.RootElement, Compact));
                await output.FlushAsync();
                await receiver.CompleteMessageAsync(message, CancellationToken.None);
                received++;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The timeout is a normal end of tailing.
        }

        return 0;
    }
}
