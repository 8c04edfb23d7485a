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
                // Leave the entry and hold the watermark before it, so the next sweep tries again.
                lock (gate)
                {
                    failed++;
                    if (deadline.DueAt < sweptUpTo)
                    {
                        sweptUpTo = deadline.DueAt;
                    }
                }
            }
        });

        await deadlines.MarkSweptAsync(sweptUpTo, cancellationToken);
        return new SweepResult(due.Count, breached, failed);
    }

    private async Task<bool> BreachAsync(DueDeadline deadline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await orders.FindAsync(deadline.ProviderId, deadline.OrderId, cancellationToken);
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
                await deadlines.RemoveAsync(deadline, cancellationToken);
                return true;
            }
            catch (ConcurrentUpdateException) when (attempt < MaxSaveAttempts)
            {
            }
        }
    }
}
