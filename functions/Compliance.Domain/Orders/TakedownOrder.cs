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

    /// <summary>The most recent objection, kept after it is answered: TCO Annex III reports its ground.</summary>
    public Objection? LastObjection { get; init; }

    /// <summary>What the notice says besides items and reason (reference, authority, provisions, scope, redress...).</summary>
    public required OrderNotice Notice { get; init; }

    /// <summary>What the order lacks that the law expects (e.g. TCO advance information), found at issue.</summary>
    public IReadOnlyList<OrderWarning> Warnings { get; init; } = [];

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
        string? requestKey,
        OrderNotice? notice = null)
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
            Notice = notice ?? OrderNotice.Empty(regime.StatementCategory, regime.StatementKeywords),
        };
        return new OrderChange(order, [issued], DeadlineMoved: true);
    }

    /// <summary>Whether <paramref name="other"/> was issued by the same request: same issuer, provider, basis, items and reason.</summary>
    public bool IsSameIssueAs(TakedownOrder other) =>
        OrderId == other.OrderId
        && ProviderId == other.ProviderId
        && LegalBasis == other.LegalBasis
        && IssuedBy == other.IssuedBy
        && Reason == other.Reason
        && Items.SequenceEqual(other.Items);

    public OrderChange Acknowledge(Caller provider, DateTimeOffset now, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.Acknowledged, OrderStatus.Issued);
            return order.Record(OrderEventType.Acknowledged, provider, now, null, requestKey, order with { Status = OrderStatus.Acknowledged, AcknowledgedAt = now });
        });

    /// <summary>
    /// Records removal. A confirmation that arrives after the deadline is late even if the sweep has
    /// not yet flagged the order: the breach is recorded first and the order stays counted as breached.
    /// </summary>
    public OrderChange ConfirmRemoval(Caller provider, DateTimeOffset now, DateTimeOffset claimedRemovedAt, RemovalAction action, string? evidence, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.Removed, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected, OrderStatus.Breached);
            return order.Record(
                OrderEventType.Removed,
                provider,
                now,
                null,
                requestKey,
                order with
                {
                    Status = OrderStatus.Removed,
                    Objection = null,
                    Removal = new RemovalRecord(claimedRemovedAt, now, action, evidence, order.BreachedAt is not null),
                });
        });

    /// <summary>
    /// An objection pauses the clock only while time is left: one raised after the deadline finds the
    /// breach recorded first and is refused, exactly as if the sweep had run before it.
    /// </summary>
    public OrderChange RaiseObjection(Caller provider, DateTimeOffset now, ObjectionGround ground, string explanation, LegalRegime regime, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.Objected, OrderStatus.Issued, OrderStatus.Acknowledged);
            var clock = regime.ClockOn(ground) == ClockOnObjection.KeepsRunning ? order.Clock : order.Clock.Pause(now);
            return order.Record(
                OrderEventType.Objected,
                provider,
                now,
                explanation,
                requestKey,
                order with
                {
                    Status = OrderStatus.Objected,
                    Clock = clock,
                    Objection = new Objection(ground, explanation, now, order.Status),
                    LastObjection = new Objection(ground, explanation, now, order.Status),
                    ObjectionCount = order.ObjectionCount + 1,
                });
        });

    /// <summary>
    /// The commission's answer to an objection. What happens to the clock is the regime's rule for
    /// the objection's ground: a full restart, a resumption with the time that was left, or nothing.
    /// </summary>
    /// <summary>
    /// The commission's answer to an objection for a manifest error or missing information: the
    /// full clock starts again (or, where the ground does not stop it, nothing changes). An objection
    /// for force majeure is not the commission's to end: the provider reports that the grounds ceased.
    /// </summary>
    public OrderChange Clarify(Caller commission, DateTimeOffset now, string explanation, LegalRegime regime, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.Clarified, OrderStatus.Objected);
            var objection = order.Objection!;
            var effect = regime.ClockOn(objection.Ground);
            if (effect.EndsWhenGroundsCease())
            {
                throw WrongAnswer(objection, "the provider reports that the grounds have ceased (grounds-ceased), not by a clarification");
            }

            var clock = effect == ClockOnObjection.RestartsOnClarification ? order.Clock.Restart(now) : order.Clock;
            return order.Record(
                OrderEventType.Clarified,
                commission,
                now,
                explanation,
                requestKey,
                order with { Status = objection.ResumeStatus, Clock = clock, Objection = null });
        });

    /// <summary>
    /// The provider's report that force majeure or a de facto impossibility is over. Under TCO
    /// Art. 3(7) the whole hour starts again from now; where a regime says the clock resumes, it
    /// resumes with the time that was left.
    /// </summary>
    public OrderChange ReportGroundsCeased(Caller provider, DateTimeOffset now, string explanation, LegalRegime regime, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.GroundsCeased, OrderStatus.Objected);
            var objection = order.Objection!;
            var clock = regime.ClockOn(objection.Ground) switch
            {
                ClockOnObjection.RestartsWhenGroundsCease => order.Clock.Restart(now),
                ClockOnObjection.ResumesWhenGroundsCease => order.Clock.Resume(now),
                ClockOnObjection.KeepsRunning => order.Clock,
                _ => throw WrongAnswer(objection, "the commission's clarification, not a report that grounds ceased"),
            };
            return order.Record(
                OrderEventType.GroundsCeased,
                provider,
                now,
                explanation,
                requestKey,
                order with { Status = objection.ResumeStatus, Clock = clock, Objection = null });
        });

    private static ComplianceProblem WrongAnswer(Objection objection, string howItEnds) =>
        new(
            ProblemKind.IllegalTransition,
            $"An objection on the ground '{OrderText.Snake(objection.Ground.ToString())}' is ended by {howItEnds}.",
            new Dictionary<string, object?> { ["currentStatus"] = OrderText.Status(OrderStatus.Objected), ["ground"] = OrderText.Snake(objection.Ground.ToString()) });

    /// <summary>
    /// DSA Art. 9(1): the provider tells the authority "if and when" it gave effect to the order,
    /// which includes giving it none, with reasons. Only regimes that provide for that answer take it;
    /// after the deadline the breach is recorded first.
    /// </summary>
    public OrderChange GiveNoEffect(Caller provider, DateTimeOffset now, string reasons, LegalRegime regime, string? requestKey) =>
        BreachFirst(now, order =>
        {
            if (!regime.NoEffectAnswer)
            {
                throw new ComplianceProblem(
                    ProblemKind.IllegalTransition,
                    $"{regime.Code} provides for no 'no effect given' answer: confirm the removal or object on a ground the regime allows.",
                    new Dictionary<string, object?> { ["currentStatus"] = OrderText.Status(order.Status) });
            }

            // A late answer is still the information the authority is owed; the breach stays on record.
            order.Require(OrderEventType.NoEffectGiven, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected, OrderStatus.Breached);
            return order.Record(OrderEventType.NoEffectGiven, provider, now, reasons, requestKey, order with { Status = OrderStatus.NoEffectGiven, Objection = null });
        });

    /// <summary>A withdrawal after the deadline still leaves the breach on record: the order is counted withdrawn after breach.</summary>
    public OrderChange Withdraw(Caller commission, DateTimeOffset now, string reason, string? requestKey) =>
        BreachFirst(now, order =>
        {
            order.Require(OrderEventType.Withdrawn, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected, OrderStatus.Breached);
            return order.Record(OrderEventType.Withdrawn, commission, now, reason, requestKey, order with { Status = OrderStatus.Withdrawn, WithdrawnAt = now, Objection = null });
        });

    public OrderChange Extend(Caller commission, DateTimeOffset now, DateTimeOffset newDueAt, string reason, string? requestKey)
    {
        Require(OrderEventType.Extended, OrderStatus.Issued, OrderStatus.Acknowledged, OrderStatus.Objected);
        if (Clock.DueAt is not { } due)
        {
            throw DeadlinePolicy.DeadlineProblem("The removal clock is paused by an objection; answer it with a clarification instead of an extension.");
        }

        if (Breach(now) is { } breach)
        {
            return breach with { Refusal = DeadlinePolicy.DeadlineProblem($"The deadline {due:O} has already passed; a breached deadline cannot be extended.") };
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

    /// <summary>
    /// Applies a transition as the sweep would find the order: once the deadline has passed the
    /// breach is recorded first, so no answer after the deadline (objection, withdrawal, anything)
    /// can erase it. A transition the breached order refuses still saves the breach.
    /// </summary>
    private OrderChange BreachFirst(DateTimeOffset now, Func<TakedownOrder, OrderChange> transition)
    {
        if (Breach(now) is not { } breach)
        {
            return transition(this);
        }

        try
        {
            var next = transition(breach.Order);
            return new OrderChange(next.Order, [.. breach.Events, .. next.Events], next.DeadlineMoved) { Refusal = next.Refusal };
        }
        catch (ComplianceProblem refusal)
        {
            return breach with { Refusal = refusal };
        }
    }

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
