using Compliance.Orders;

namespace Compliance.Sla;

/// <summary>
/// A provider's record for orders issued in [From, To). Time to removal runs from the server's
/// time of issue to the server's receipt of the confirmation; provider claims do not count.
/// </summary>
public sealed record SlaReport(
    string ProviderId,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    int Orders,
    int RemovedOnTime,
    int RemovedLate,
    int OpenWithinDeadline,
    int OpenOverdue,
    int Breached,
    int Withdrawn,
    int Objections,
    double? OnTimeRate,
    double? MedianTimeToRemovalSeconds,
    double? P95TimeToRemovalSeconds,
    int NoEffectGiven = 0)
{
    /// <param name="now">Orders past their deadline count as overdue even before the sweep flags them.</param>
    public static SlaReport Compute(string providerId, DateTimeOffset from, DateTimeOffset to, IEnumerable<TakedownOrder> orders, DateTimeOffset now)
    {
        int total = 0, onTime = 0, late = 0, openOk = 0, overdue = 0, withdrawn = 0, answeredAfterBreach = 0, objections = 0, noEffect = 0;
        var removalSeconds = new List<double>();
        foreach (var order in orders)
        {
            total++;
            objections += order.ObjectionCount;
            switch (order.Status)
            {
                case OrderStatus.Removed:
                    if (order.Removal!.Late)
                    {
                        late++;
                    }
                    else
                    {
                        onTime++;
                    }

                    removalSeconds.Add((order.Removal.ReceivedAt - order.IssuedAt).TotalSeconds);
                    break;
                case OrderStatus.Withdrawn:
                    withdrawn++;
                    if (order.BreachedAt is not null)
                    {
                        answeredAfterBreach++;
                    }

                    break;
                case OrderStatus.Breached:
                    overdue++;
                    break;
                case OrderStatus.NoEffectGiven:
                    // Answered, not removed: a breach only if it came late (the breach was recorded first).
                    noEffect++;
                    if (order.BreachedAt is not null)
                    {
                        answeredAfterBreach++;
                    }

                    break;
                default:
                    if (order.IsOverdue(now))
                    {
                        overdue++;
                    }
                    else
                    {
                        openOk++;
                    }

                    break;
            }
        }

        // A withdrawn order, or a late "no effect" answer, that had already breached stays a breach on the provider's record.
        var breached = late + overdue + answeredAfterBreach;
        var decided = onTime + breached;
        removalSeconds.Sort();
        return new SlaReport(
            providerId,
            from,
            to,
            now,
            total,
            onTime,
            late,
            openOk,
            overdue,
            breached,
            withdrawn,
            objections,
            decided == 0 ? null : Math.Round((double)onTime / decided, 4),
            Median(removalSeconds),
            NearestRank(removalSeconds, 0.95),
            noEffect);
    }

    /// <summary>The middle value, or the mean of the two middle values.</summary>
    internal static double? Median(IReadOnlyList<double> sorted) =>
        sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>Nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    internal static double? NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
