using Compliance.Media;

namespace Compliance.Application;

/// <summary>An order event written to the outbox with its state change, waiting to be published.</summary>
/// <param name="Body">The serialized CloudEvent.</param>
/// <param name="Attempts">Failed publishing attempts so far.</param>
/// <param name="EnqueuedAt">When the row was written to the outbox (with its change), for the backlog's age.</param>
public sealed record PendingEvent(string MessageId, string ProviderId, string OrderId, int Sequence, string Type, string Body, string OutboxKey, int Attempts = 0, DateTimeOffset? EnqueuedAt = null);

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

    /// <summary>Counts a failed attempt to publish the event.</summary>
    Task RecordFailureAsync(PendingEvent failed, CancellationToken cancellationToken);

    /// <summary>Sets an event that keeps failing aside (kept, no longer pending) so its order's later events can go.</summary>
    Task ParkAsync(PendingEvent failed, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingEvent>> ParkedAsync(int max, CancellationToken cancellationToken);
}

public interface IEventPublisher
{
    /// <summary>False where no broker is configured: events then wait in the outbox.</summary>
    bool IsConfigured { get; }

    /// <summary>Publishes in the given order; the broker drops a repeated MessageId.</summary>
    Task PublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken);
}

/// <param name="Parked">Events set aside this run after failing <see cref="OrderEventRelay.MaxAttempts"/> times: an operator must look.</param>
public sealed record RelayResult(int Published, int Failed, int Parked = 0);

/// <summary>
/// Publishes outbox events, then marks them sent. A crash before publishing loses nothing (the
/// event stays pending); a crash after publishing and before marking republishes it under the same
/// MessageId, which the broker's duplicate detection and idempotent consumers absorb. Events of one
/// order go out in sequence; a failure holds back that order's later events, until the failing
/// event has failed <see cref="MaxAttempts"/> times: then it is parked (and reported) and the rest go.
/// </summary>
public sealed class OrderEventRelay(IEventOutbox outbox, IEventPublisher publisher, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const int BatchSize = 500;
    public const int MaxAttempts = 5;

    public async Task<RelayResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!publisher.IsConfigured)
        {
            return new RelayResult(0, 0);
        }

        var pending = await outbox.PendingAsync(BatchSize, cancellationToken);
        Telemetry.ComplianceTelemetry.OutboxPending.Record(pending.Count);
        Telemetry.ComplianceTelemetry.OutboxOldestAge.Record(OldestAge(pending, _clock.GetUtcNow()).TotalSeconds);
        int published = 0, failed = 0, parked = 0;
        foreach (var order in pending.GroupBy(e => e.OrderId))
        {
            var events = order.OrderBy(e => e.Sequence).ToList();
            if (await TryPublishAsync(events, cancellationToken))
            {
                await MarkSentAsync(events, cancellationToken);
                published += events.Count;
                continue;
            }

            // One at a time, to find the event that fails; the ones after it wait unless it is parked.
            for (var i = 0; i < events.Count; i++)
            {
                if (await TryPublishAsync([events[i]], cancellationToken))
                {
                    await MarkSentAsync([events[i]], cancellationToken);
                    published++;
                    continue;
                }

                if (events[i].Attempts + 1 >= MaxAttempts)
                {
                    await outbox.ParkAsync(events[i], cancellationToken);
                    Telemetry.ComplianceTelemetry.OutboxParked.Add(1);
                    parked++;
                    continue;
                }

                await outbox.RecordFailureAsync(events[i], cancellationToken);
                failed += events.Count - i;
                break;
            }
        }

        return new RelayResult(published, failed, parked);
    }

    /// <summary>
    /// How long the oldest event read has waited: a backlog that is small but stuck shows here, where
    /// the count alone would not. Zero when nothing waits.
    /// </summary>
    public static TimeSpan OldestAge(IReadOnlyList<PendingEvent> pending, DateTimeOffset now) =>
        pending.Select(e => e.EnqueuedAt).OfType<DateTimeOffset>().DefaultIfEmpty(now).Min() is var oldest && oldest < now ? now - oldest : TimeSpan.Zero;

    private async Task<bool> TryPublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(events, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private async Task MarkSentAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken)
    {
        foreach (var sent in events)
        {
            await outbox.MarkSentAsync(sent, cancellationToken);
        }
    }
}
