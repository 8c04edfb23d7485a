using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Orders;

/// <summary>
/// The removal deadline of one order. While an objection pauses it, <see cref="DueAt"/> is null and
/// <see cref="Remaining"/> holds the time that was left; <see cref="FullPeriod"/> is what a
/// clarification restarts.
/// </summary>
public sealed record RemovalClock(TimeSpan FullPeriod, DateTimeOffset? DueAt, TimeSpan? Remaining)
{
    /// <summary>Statutory deadline or policy target, from the regime at issue; a missed target is reported as such.</summary>
    public ClockBasis Basis { get; init; } = ClockBasis.Statutory;

    public bool IsPaused => DueAt is null;

    public RemovalClock Pause(DateTimeOffset now) =>
        DueAt is { } due ? this with { DueAt = null, Remaining = due > now ? due - now : TimeSpan.Zero } : this;

    public RemovalClock Restart(DateTimeOffset now) => this with { DueAt = now + FullPeriod, Remaining = null };

    public RemovalClock Resume(DateTimeOffset now) =>
        Remaining is { } left ? this with { DueAt = now + left, Remaining = null } : this;
}

/// <summary>How the first deadline of an order is fixed: by the regime's clock, or by the order where the regime lets it.</summary>
public static class DeadlinePolicy
{
    /// <summary>
    /// Starts the clock at the server's receipt time. A requested deadline may shorten the regime's
    /// clock, and lengthen it only where the regime lets the authority allow longer; where the
    /// regime has no clock, the order must name one.
    /// </summary>
    public static RemovalClock Start(LegalRegime regime, DateTimeOffset issuedAt, DateTimeOffset? requestedDueAt)
    {
        if (requestedDueAt is { } requested && requested <= issuedAt)
        {
            throw DeadlineProblem($"dueAt {requested:O} is not after the time of issue {issuedAt:O}.", regime);
        }

        DateTimeOffset due;
        if (regime.Clock is { } clock)
        {
            var regimeDue = issuedAt + clock;
            if (requestedDueAt > regimeDue && !regime.LongerPeriodAllowed)
            {
                throw DeadlineProblem($"{regime.Code} allows at most {clock} for removal; dueAt may shorten that clock, never lengthen it.", regime);
            }

            due = requestedDueAt ?? regimeDue;
        }
        else
        {
            due = requestedDueAt ?? throw DeadlineProblem($"{regime.Code} has no statutory clock: the order must set dueAt.", regime);
        }

        return new RemovalClock(due - issuedAt, due, null) { Basis = regime.ClockBasis };
    }

    internal static ComplianceProblem DeadlineProblem(string detail, LegalRegime? regime = null) =>
        new(ProblemKind.DeadlineNotAllowed, detail, regime is null ? null : new Dictionary<string, object?> { ["legalBasis"] = regime.Code });
}
