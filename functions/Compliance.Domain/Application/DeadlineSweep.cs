using Compliance.Orders;

namespace Compliance.Application;

public sealed record SweepResult(int DueEntries, int Breached, int Failed);

/// <summary>
/// Flags every open order whose deadline has passed. Safe to run twice at once: each breach is a
/// conditional write, so only one sweep records it and the other finds the order already breached.
/// </summary>
public sealed class DeadlineSweep(IOrderStore orders, IDeadlineIndex deadlines, TimeProvider time)
{
    private const int MaxSaveAttempts = 3;

    /// <summary>Due orders are handled this many at a time; each needs a read and a conditional write.</summary>
    public const int Parallelism = 8;

    /// <summary>How long an entry may wait for its order: it is written before the order commits.</summary>
    public static readonly TimeSpan OrderWriteGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Writes again the index entry of every open order with a running clock. The entry is written
    /// before its order, so none should be missing; this makes sure of it after anything (a restore,
    /// an operator's delete, a bug) and returns how many open orders it covered.
    /// </summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var covered = 0;
        foreach (var status in new[] { OrderStatus.Issued, OrderStatus.Acknowledged })
        {
            string? token = null;
            do
            {
                var page = await orders.ListAsync(new OrderQuery(null, status), token, 500, cancellationToken);
                foreach (var order in page.Orders.Where(o => o.Clock.DueAt is not null))
                {
                    await deadlines.ScheduleAsync(order, cancellationToken);
                    covered++;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        return covered;
    }

    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.ReceiptTime();
        var due = await deadlines.DueAsync(now, cancellationToken);
        int breached = 0, failed = 0;
        var sweptUpTo = now;
        var gate = new object();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (deadline, ct) =>
        {
            try
            {
                if (await BreachAsync(deadline, now, ct))
                {
                    Interlocked.Increment(ref breached);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                await DeferAsync(deadline, ct);
            }
        });

        await deadlines.MarkSweptAsync(sweptUpTo, cancellationToken);
        return new SweepResult(due.Count, breached, failed);

        // The entry goes to the retry list, which every sweep reads whatever the watermark says. Only
        // if that fails too is the watermark held before it (a concurrent sweep may still move it on).
        async Task DeferAsync(DueDeadline deadline, CancellationToken ct)
        {
            try
            {
                await deadlines.DeferAsync(deadline, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (gate)
                {
                    if (deadline.DueAt < sweptUpTo)
                    {
                        sweptUpTo = deadline.DueAt;
                    }
                }
            }
        }
    }

    private async Task<bool> BreachAsync(DueDeadline deadline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await orders.FindAsync(deadline.ProviderId, deadline.OrderId, cancellationToken);
            if (stored is null && deadline.ScheduledAt is { } scheduled && now - scheduled < OrderWriteGrace)
            {
                // The order may be committing right now: removing its entry would leave it unwatched.
                await deadlines.DeferAsync(deadline, cancellationToken);
                return false;
            }

            if (stored is null || !stored.Order.IsOpen || stored.Order.Clock.DueAt != deadline.DueAt)
            {
                // The order was never written, is settled, or its deadline moved: the entry is stale.
                await deadlines.RemoveAsync(deadline, cancellationToken);
                return false;
            }

            if (stored.Order.Breach(now) is not OrderChange change)
            {
                return false;
            }

            try
            {
                await orders.SaveAsync(stored, change, cancellationToken);
                Telemetry.ComplianceTelemetry.Breaches.Add(1, Telemetry.ComplianceTelemetry.Basis(change.Order.LegalBasis), Telemetry.ComplianceTelemetry.Provider(change.Order.ProviderId));
                await deadlines.RemoveAsync(deadline, cancellationToken);
                return true;
            }
            catch (ConcurrentUpdateException) when (attempt < MaxSaveAttempts)
            {
            }
        }
    }
}
