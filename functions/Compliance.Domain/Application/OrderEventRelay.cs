using Compliance.Media;

namespace Compliance.Application;

/// <summary>An order event written to the outbox with its state change, waiting to be published.</summary>
/// <param name="Body">The serialized CloudEvent.</param>
public sealed record PendingEvent(string MessageId, string ProviderId, string OrderId, int Sequence, string Type, string Body, string OutboxKey);

/// <summary>Events written in the same transaction as the state change they describe.</summary>
public interface IEventOutbox
{
    Task<IReadOnlyList<PendingEvent>> PendingAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Queues an event that is not part of an order's own state change (a detection result). The
    /// row is keyed by its MessageId, so writing it again (a re-run trigger) changes nothing.
    /// </summary>
    Task EnqueueAsync(MediaRecord record, CancellationToken cancellationToken);

    Task MarkSentAsync(PendingEvent sent, CancellationToken cancellationToken);
}

public interface IEventPublisher
{
    /// <summary>False where no broker is configured: events then wait in the outbox.</summary>
    bool IsConfigured { get; }

    /// <summary>Publishes in the given order; the broker drops a repeated MessageId.</summary>
    Task PublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken);
}

public sealed record RelayResult(int Published, int Failed);

/// <summary>
/// Publishes outbox events, then marks them sent. A crash before publishing loses nothing (the
/// event stays pending); a crash after publishing and before marking republishes it under the same
/// MessageId, which the broker's duplicate detection and idempotent consumers absorb. Events of one
/// order go out in sequence; a failure holds back that order's later events.
/// </summary>
public sealed class OrderEventRelay(IEventOutbox outbox, IEventPublisher publisher)
{
    public const int BatchSize = 500;

    public async Task<RelayResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!publisher.IsConfigured)
        {
            return new RelayResult(0, 0);
        }

        var pending = await outbox.PendingAsync(BatchSize, cancellationToken);
        int published = 0, failed = 0;
        foreach (var order in pending.GroupBy(e => e.OrderId))
        {
            var events = order.OrderBy(e => e.Sequence).ToList();
            try
            {
                await publisher.PublishAsync(events, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed += events.Count;
                continue;
            }

            foreach (var sent in events)
            {
                await outbox.MarkSentAsync(sent, cancellationToken);
                published++;
            }
        }

        return new RelayResult(published, failed);
    }
}
