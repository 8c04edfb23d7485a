using Compliance.Access;
using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Orders;

/// <summary>
/// A takedown order and its state machine. Every transition returns a new value plus the history
/// entries that record it; illegal transitions are refused with the current state named.
/// </summary>
public sealed record TakedownOrder
{
    public required string OrderId { get; init; }

    public required string ProviderId { get; init; }

    public required string LegalBasis { get; init; }

    public required IReadOnlyList<OrderItem> Items { get; init; }

    public required string Reason { get; init; }

    public required string IssuedBy { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required OrderStatus Status { get; init; }

    public required RemovalClock Clock { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public RemovalRecord? Removal { get; init; }

    public Objection? Objection { get; init; }

    public int ObjectionCount { get; init; }

    public DateTimeOffset? BreachedAt { get; init; }

    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>Number of history entries; doubles as the order's entity tag for clients.</summary>
    public int Version { get; init; }

    /// <summary>The idempotency scope and key of the request that made the last change, to absorb its retries.</summary>
    public string? LastRequestKey { get; init; }

    /// <summary>Hash of the latest history entry: the next entry links to it.</summary>
    public string LastEventHash { get; init; } = string.Empty;

    /// <summary>Open orders still owe the provider an answer and can be breached.</summary>
    public bool IsOpen => Status is OrderStatus.Issued or OrderStatus.Acknowledged or OrderStatus.Objected;

    public bool IsOverdue(DateTimeOffset now) => IsOpen && Clock.DueAt is { } due && now > due;

    public static OrderChange Issue(
        string orderId,
        string providerId,
        LegalRegime regime,
        IReadOnlyList<OrderItem> items,
        string reason,
        Caller issuer,
        DateTimeOffset now,
        DateTimeOffset? requestedDueAt,
        string? requestKey)
    {
        var clock = DeadlinePolicy.Start(regime, now, requestedDueAt);
        var issued = new OrderEvent(1, OrderEventType.Issued, now, issuer, OrderStatus.Issued, OrderStatus.Issued, null, clock.DueAt).Chained(orderId, string.Empty);
        var order = new TakedownOrder
        {
            OrderId = orderId,
            ProviderId = providerId,
            LegalBasis = regime.Code,
            Items = items,
            Reason = reason,
            IssuedBy = issuer.Subject,
            IssuedAt = now,
            Status = OrderStatus.Issued,
            Clock = clock,
            Version = 1,
            LastRequestKey = requestKey,
            LastEventHash = issued.Hash,
        };
        return new OrderChange(order, [issued], DeadlineMoved: true);
    }

    public OrderChange Acknowledge(Caller provider, DateTimeOffset now, string? requestKey)
    {
        Require(OrderEventType.Acknowledged, OrderStatus.Issued);
        return Record(OrderEventType.Acknowledged, provider, now, null, requestKey, this with { Status = OrderStatus.Acknowledged, AcknowledgedAt = now });
    }

    /// <summary>
    /// Records removal. A confirmation that arrives after the deadline is late even if the sweep has
    /// not yet flagged the order, so the breach is recorded first and the order stays counted as breached.
    /// </summary>
    public OrderChange ConfirmRemoval(Caller provider, DateTimeOffset now, DateTimeOffset claimedRemovedAt, RemovalAction action, string? evidence, string? requestKey)
    {
        Require(OrderEventType.Removed, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected, OrderStatus.Breached);
        var events = new List<OrderEvent>();
        var current = this;
        if (IsOverdue(now))
        {
            var breach = current.Breach(now)!;
            current = breach.Order;
            events.AddRange(breach.Events);
        }

        var late = current.BreachedAt is not null;
        var removed = current.Record(
            OrderEventType.Removed,
            provider,
            now,
            null,
            requestKey,
            current with
            {
                Status = OrderStatus.Removed,
                Objection = null,
                Removal = new RemovalRecord(claimedRemovedAt, now, action, evidence, late),
            });
        events.AddRange(removed.Events);
        return new OrderChange(removed.Order, events, DeadlineMoved: false);
    }

    public OrderChange RaiseObjection(Caller provider, DateTimeOffset now, ObjectionGround ground, string explanation, LegalRegime regime, string? requestKey)
    {
        Require(OrderEventType.Objected, OrderStatus.Issued, OrderStatus.Acknowledged);
        var clock = regime.ClockOn(ground) == ClockOnObjection.KeepsRunning ? Clock : Clock.Pause(now);
        return Record(
            OrderEventType.Objected,
            provider,
            now,
            explanation,
            requestKey,
            this with
            {
                Status = OrderStatus.Objected,
                Clock = clock,
                Objection = new Objection(ground, explanation, now, Status),
                ObjectionCount = ObjectionCount + 1,
            });
    }

    /// <summary>
    /// The commission's answer to an objection. What happens to the clock is the regime's rule for
    /// the objection's ground: a full restart, a resumption with the time that was left, or nothing.
    /// </summary>
    public OrderChange Clarify(Caller commission, DateTimeOffset now, string explanation, LegalRegime regime, string? requestKey)
    {
        Require(OrderEventType.Clarified, OrderStatus.Objected);
        var objection = Objection!;
        var clock = regime.ClockOn(objection.Ground) switch
        {
            ClockOnObjection.RestartsOnClarification => Clock.Restart(now),
            ClockOnObjection.ResumesWhenGroundsCease => Clock.Resume(now),
            _ => Clock,
        };
        return Record(
            OrderEventType.Clarified,
            commission,
            now,
            explanation,
            requestKey,
            this with { Status = objection.ResumeStatus, Clock = clock, Objection = null });
    }

    public OrderChange Withdraw(Caller commission, DateTimeOffset now, string reason, string? requestKey)
    {
        Require(OrderEventType.Withdrawn, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected, OrderStatus.Breached);
        return Record(OrderEventType.Withdrawn, commission, now, reason, requestKey, this with { Status = OrderStatus.Withdrawn, WithdrawnAt = now, Objection = null });
    }

    public OrderChange Extend(Caller commission, DateTimeOffset now, DateTimeOffset newDueAt, string reason, string? requestKey)
    {
        Require(OrderEventType.Extended, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected);
        if (Clock.DueAt is not { } due)
        {
            throw DeadlinePolicy.DeadlineProblem("The removal clock is paused by an objection; answer it with a clarification instead of an extension.");
        }

        if (IsOverdue(now))
        {
            throw DeadlinePolicy.DeadlineProblem($"The deadline {due:O} has already passed; a breached deadline cannot be extended.");
        }

        if (newDueAt <= due)
        {
            throw DeadlinePolicy.DeadlineProblem($"An extension must move the deadline later than {due:O}.");
        }

        return Record(OrderEventType.Extended, commission, now, reason, requestKey, this with { Clock = Clock with { DueAt = newDueAt } });
    }

    /// <summary>
    /// Flags a missed deadline as of the deadline itself (the sweep may run later); null when the
    /// order is not overdue, so a repeated sweep changes nothing.
    /// </summary>
    public OrderChange? Breach(DateTimeOffset now) =>
        IsOverdue(now)
            ? Record(OrderEventType.Breached, Caller.DeadlineSweep, now, null, LastRequestKey, this with { Status = OrderStatus.Breached, BreachedAt = Clock.DueAt })
            : null;

    private void Require(OrderEventType attempted, params OrderStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw new ComplianceProblem(
                ProblemKind.IllegalTransition,
                $"An order in status '{OrderText.Status(Status)}' cannot be {OrderText.Event(attempted)}.",
                new Dictionary<string, object?> { ["currentStatus"] = OrderText.Status(Status), ["attempted"] = OrderText.Event(attempted) });
        }
    }

    private OrderChange Record(OrderEventType type, Caller actor, DateTimeOffset now, string? reason, string? requestKey, TakedownOrder next)
    {
        var sequence = Version + 1;
        var entry = new OrderEvent(sequence, type, now, actor, Status, next.Status, reason, next.Clock.DueAt).Chained(OrderId, LastEventHash);
        var updated = next with { Version = sequence, LastRequestKey = requestKey, LastEventHash = entry.Hash };
        return new OrderChange(updated, [entry], DeadlineMoved: updated.Clock.DueAt is { } due && due != Clock.DueAt);
    }
}
