using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;
using static Compliance.Domain.Tests.Orders;

namespace Compliance.Domain.Tests;

public sealed class StateMachineTests
{
    private static readonly DateTimeOffset At = T0.AddMinutes(20);

    private static readonly Dictionary<string, Func<TakedownOrder, OrderChange>> Commands = new()
    {
        ["acknowledge"] = o => o.Acknowledge(ProviderA, At, "k2"),
        ["confirm"] = o => o.ConfirmRemoval(ProviderA, At, At, RemovalAction.Disabled, "screenshot", "k2"),
        ["object"] = o => o.RaiseObjection(ProviderA, At, ObjectionGround.InsufficientInformation, "which video?", OneHour, "k2"),
        ["clarify"] = o => o.Clarify(Commission, At, "the second video", OneHour, "k2"),
        ["grounds_ceased"] = o => o.ReportGroundsCeased(ProviderA, At, "outage over", OneHour, "k2"),
        ["withdraw"] = o => o.Withdraw(Commission, At, "settled", "k2"),
        ["extend"] = o => o.Extend(Commission, At, T0.AddHours(3), "large volume", "k2"),
        ["no_effect"] = o => o.GiveNoEffect(ProviderA, At, "lawful in this Member State", OneHourNoEffect, "k2"),
    };

    // Status after each command, for every status it is allowed from; absent means refused.
    private static readonly Dictionary<(string, OrderStatus), OrderStatus> Allowed = new()
    {
        [("acknowledge", OrderStatus.Issued)] = OrderStatus.Acknowledged,
        [("confirm", OrderStatus.Issued)] = OrderStatus.Removed,
        [("confirm", OrderStatus.Acknowledged)] = OrderStatus.Removed,
        [("confirm", OrderStatus.Objected)] = OrderStatus.Removed,
        [("confirm", OrderStatus.Breached)] = OrderStatus.Removed,
        [("object", OrderStatus.Issued)] = OrderStatus.Objected,
        [("object", OrderStatus.Acknowledged)] = OrderStatus.Objected,
        [("clarify", OrderStatus.Objected)] = OrderStatus.Issued,
        [("withdraw", OrderStatus.Issued)] = OrderStatus.Withdrawn,
        [("withdraw", OrderStatus.Acknowledged)] = OrderStatus.Withdrawn,
        [("withdraw", OrderStatus.Objected)] = OrderStatus.Withdrawn,
        [("withdraw", OrderStatus.Breached)] = OrderStatus.Withdrawn,
        [("extend", OrderStatus.Issued)] = OrderStatus.Issued,
        [("extend", OrderStatus.Acknowledged)] = OrderStatus.Acknowledged,
        [("no_effect", OrderStatus.Issued)] = OrderStatus.NoEffectGiven,
        [("no_effect", OrderStatus.Acknowledged)] = OrderStatus.NoEffectGiven,
        [("no_effect", OrderStatus.Objected)] = OrderStatus.NoEffectGiven,
        [("no_effect", OrderStatus.Breached)] = OrderStatus.NoEffectGiven,
    };

    public static TheoryData<string, OrderStatus> EveryCommandInEveryStatus()
    {
        var data = new TheoryData<string, OrderStatus>();
        foreach (var command in Commands.Keys)
        {
            foreach (var status in Enum.GetValues<OrderStatus>())
            {
                data.Add(command, status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCommandInEveryStatus))]
    public void Each_command_is_allowed_exactly_in_its_statuses(string command, OrderStatus status)
    {
        var order = InStatus(status);

        if (Allowed.TryGetValue((command, status), out var expected))
        {
            var change = Commands[command](order);
            Assert.Equal(expected, change.Order.Status);
            Assert.Equal(order.Version + change.Events.Count, change.Order.Version);
            Assert.Equal(change.Order.Version, change.Events[^1].Sequence);
            Assert.Equal(status, change.Events[0].From);
            Assert.Equal("k2", change.Order.LastRequestKey);
        }
        else
        {
            var problem = Assert.Throws<ComplianceProblem>(() => Commands[command](order));
            if ((command, status) == ("extend", OrderStatus.Objected))
            {
                // Allowed in principle, but this objection paused the clock: nothing to extend.
                Assert.Equal(ProblemKind.DeadlineNotAllowed, problem.Kind);
                return;
            }

            Assert.Equal(ProblemKind.IllegalTransition, problem.Kind);
            Assert.Equal(OrderText.Status(status), problem.Extensions["currentStatus"]);
        }
    }

    [Fact]
    public void Issue_records_one_event_and_starts_the_clock_at_receipt()
    {
        var change = TakedownOrder.Issue("ord-1", "prov-a", OneHour, [new OrderItem("https://v.example/1", "clip")], "r", Commission, T0, null, "k");

        Assert.Equal(OrderStatus.Issued, change.Order.Status);
        Assert.Equal(T0.AddHours(1), change.Order.Clock.DueAt);
        Assert.Equal(TimeSpan.FromHours(1), change.Order.Clock.FullPeriod);
        var issued = Assert.Single(change.Events);
        Assert.Equal(OrderEventType.Issued, issued.Type);
        Assert.Equal(1, issued.Sequence);
        Assert.Equal(Commission, issued.Actor);
        Assert.True(change.DeadlineMoved);
    }

    [Fact]
    public void Confirmation_before_the_deadline_is_on_time()
    {
        var change = Issued().ConfirmRemoval(ProviderA, T0.AddMinutes(59), T0.AddMinutes(50), RemovalAction.GeoBlocked, null, "k");

        Assert.Equal(OrderStatus.Removed, change.Order.Status);
        Assert.Equal(new RemovalRecord(T0.AddMinutes(50), T0.AddMinutes(59), RemovalAction.GeoBlocked, null, false), change.Order.Removal);
        Assert.Null(change.Order.BreachedAt);
        Assert.Equal([OrderEventType.Removed], change.Events.Select(e => e.Type));
    }

    [Fact]
    public void Confirmation_received_after_the_deadline_is_late_even_before_the_sweep()
    {
        // The provider claims an on-time removal, but the server received it after the deadline.
        var change = Issued().ConfirmRemoval(ProviderA, T0.AddMinutes(61), T0.AddMinutes(30), RemovalAction.Removed, null, "k");

        Assert.Equal(OrderStatus.Removed, change.Order.Status);
        Assert.True(change.Order.Removal!.Late);
        Assert.Equal(T0.AddHours(1), change.Order.BreachedAt);
        Assert.Equal([OrderEventType.Breached, OrderEventType.Removed], change.Events.Select(e => e.Type));
        Assert.Equal([2, 3], change.Events.Select(e => e.Sequence));
        Assert.Equal(OrderStatus.Breached, change.Events[1].From);
    }

    [Fact]
    public void Removal_after_a_breach_is_late_and_keeps_the_breach_time()
    {
        var breached = Issued().Breach(T0.AddHours(1).AddSeconds(30))!.Order;

        var removed = breached.ConfirmRemoval(ProviderA, T0.AddHours(2), T0.AddHours(2), RemovalAction.Removed, null, "k").Order;

        Assert.True(removed.Removal!.Late);
        Assert.Equal(T0.AddHours(1), removed.BreachedAt);
    }

    [Fact]
    public void Breach_happens_only_after_the_deadline_and_only_once()
    {
        var order = Issued();

        Assert.Null(order.Breach(T0.AddHours(1)));
        var breached = order.Breach(T0.AddHours(1).AddMilliseconds(1))!;
        Assert.Equal(OrderStatus.Breached, breached.Order.Status);
        Assert.Equal(Compliance.Access.Role.System, breached.Events[0].Actor.Role);
        Assert.Null(breached.Order.Breach(T0.AddHours(5)));
    }

    [Fact]
    public void Extension_must_move_the_deadline_later_and_reschedules_it()
    {
        var order = Issued();

        var extended = order.Extend(Commission, T0.AddMinutes(5), T0.AddHours(2), "volume", "k");
        Assert.Equal(T0.AddHours(2), extended.Order.Clock.DueAt);
        Assert.True(extended.DeadlineMoved);
        Assert.Equal(OrderEventType.Extended, extended.Events[0].Type);

        var earlier = Assert.Throws<ComplianceProblem>(() => order.Extend(Commission, T0.AddMinutes(5), T0.AddMinutes(30), "x", "k"));
        Assert.Equal(ProblemKind.DeadlineNotAllowed, earlier.Kind);
        var tooLate = order.Extend(Commission, T0.AddHours(1).AddMinutes(1), T0.AddHours(3), "x", "k");
        Assert.Equal(ProblemKind.DeadlineNotAllowed, tooLate.Refusal!.Kind);
        Assert.Equal(OrderStatus.Breached, tooLate.Order.Status);
        Assert.Equal(T0.AddHours(1), tooLate.Order.Clock.DueAt);
    }

    public static TheoryData<string> CommandsAfterTheDeadline() => new(Commands.Keys);

    /// <summary>
    /// Whatever the provider or the commission does once the deadline has passed, the breach is on
    /// record first, as of the deadline itself, exactly as if the sweep had run before them.
    /// </summary>
    [Theory]
    [MemberData(nameof(CommandsAfterTheDeadline))]
    public void Every_command_after_the_deadline_records_the_breach_first(string command)
    {
        var late = T0.AddHours(1).AddSeconds(1);
        var acknowledged = Issued().Acknowledge(ProviderA, T0.AddMinutes(5), "k1").Order;
        var order = command == "clarify"
            ? Issued(Regime(TimeSpan.FromHours(1), onManifestError: ClockOnObjection.KeepsRunning)).RaiseObjection(ProviderA, T0.AddMinutes(5), ObjectionGround.ManifestError, "x", Regime(TimeSpan.FromHours(1), onManifestError: ClockOnObjection.KeepsRunning), "k1").Order
            : command == "acknowledge" ? Issued() : acknowledged;
        var change = command switch
        {
            "acknowledge" => order.Acknowledge(ProviderA, late, "k2"),
            "confirm" => order.ConfirmRemoval(ProviderA, late, T0.AddMinutes(30), RemovalAction.Removed, null, "k2"),
            "object" => order.RaiseObjection(ProviderA, late, ObjectionGround.ManifestError, "wrong URL", OneHour, "k2"),
            "clarify" => order.Clarify(Commission, late, "it is the second clip", OneHour, "k2"),
            "grounds_ceased" => order.ReportGroundsCeased(ProviderA, late, "outage over", OneHour, "k2"),
            "withdraw" => order.Withdraw(Commission, late, "settled", "k2"),
            "extend" => order.Extend(Commission, late, T0.AddHours(5), "volume", "k2"),
            "no_effect" => order.GiveNoEffect(ProviderA, late, "lawful here", OneHourNoEffect, "k2"),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        Assert.Equal(OrderEventType.Breached, change.Events[0].Type);
        Assert.Equal(order.Version + 1, change.Events[0].Sequence);
        Assert.Equal(T0.AddHours(1), change.Order.BreachedAt);
        var (expectedStatus, expectedRefusal) = command switch
        {
            "confirm" => (OrderStatus.Removed, (ProblemKind?)null),
            "withdraw" => (OrderStatus.Withdrawn, null),
            "no_effect" => (OrderStatus.NoEffectGiven, null),
            "extend" => (OrderStatus.Breached, ProblemKind.DeadlineNotAllowed),
            _ => (OrderStatus.Breached, ProblemKind.IllegalTransition),
        };
        Assert.Equal(expectedStatus, change.Order.Status);
        Assert.Equal(expectedRefusal, change.Refusal?.Kind);
        Assert.Equal(expectedRefusal is null ? 2 : 1, change.Events.Count);
        Assert.Equal(order.LastEventHash, change.Events[0].PreviousHash);
        Assert.Equal(change.Events[^1].Hash, change.Order.LastEventHash);
    }

    [Fact]
    public void Only_a_regime_that_provides_for_it_takes_a_no_effect_answer()
    {
        var refused = Assert.Throws<ComplianceProblem>(() => Issued().GiveNoEffect(ProviderA, At, "lawful", OneHour, "k2"));
        Assert.Equal(ProblemKind.IllegalTransition, refused.Kind);

        var answered = Issued(OneHourNoEffect).GiveNoEffect(ProviderA, At, "lawful in this Member State", OneHourNoEffect, "k2");
        var entry = Assert.Single(answered.Events);
        Assert.Equal(OrderEventType.NoEffectGiven, entry.Type);
        Assert.Equal("lawful in this Member State", entry.Reason);
        Assert.False(answered.Order.IsOpen);
        Assert.Null(answered.Order.BreachedAt);
    }

    [Fact]
    public void An_objection_after_the_deadline_cannot_restart_the_clock()
    {
        // The attack: object a minute late, before the sweep, then let a clarification restart the clock.
        var objection = Issued().RaiseObjection(ProviderA, T0.AddHours(1).AddMinutes(1), ObjectionGround.ManifestError, "wrong URL", OneHour, "k1");

        Assert.Equal(ProblemKind.IllegalTransition, objection.Refusal!.Kind);
        Assert.Equal("breached", objection.Refusal.Extensions["currentStatus"]);
        Assert.Throws<ComplianceProblem>(() => objection.Order.Clarify(Commission, T0.AddHours(2), "x", OneHour, "k2"));
        Assert.Null(objection.Order.Objection);
    }

    [Fact]
    public void The_same_request_is_recognised_and_another_is_not()
    {
        var original = Issued();
        var retry = Issued();
        var otherReason = original with { Reason = "another clip" };
        var otherProvider = original with { ProviderId = "prov-b" };

        Assert.True(original.IsSameIssueAs(retry));
        Assert.False(original.IsSameIssueAs(otherReason));
        Assert.False(original.IsSameIssueAs(otherProvider));
        Assert.False(original.IsSameIssueAs(original with { Items = [new OrderItem("https://video.example/v/2", null)] }));
    }

    [Fact]
    public void A_paused_clock_cannot_be_extended()
    {
        var objected = Issued().RaiseObjection(ProviderA, T0.AddMinutes(10), ObjectionGround.ManifestError, "x", OneHour, "k").Order;

        var problem = Assert.Throws<ComplianceProblem>(() => objected.Extend(Commission, T0.AddMinutes(11), T0.AddHours(5), "x", "k2"));

        Assert.Equal(ProblemKind.DeadlineNotAllowed, problem.Kind);
    }

    [Fact]
    public void Clarification_returns_the_order_to_the_status_it_had_before_the_objection()
    {
        var acknowledged = Issued().Acknowledge(ProviderA, T0.AddMinutes(1), "k1").Order;
        var objected = acknowledged.RaiseObjection(ProviderA, T0.AddMinutes(2), ObjectionGround.ManifestError, "x", OneHour, "k2").Order;

        var clarified = objected.Clarify(Commission, T0.AddMinutes(3), "fixed", OneHour, "k3").Order;

        Assert.Equal(OrderStatus.Acknowledged, clarified.Status);
        Assert.Null(clarified.Objection);
        Assert.Equal(1, clarified.ObjectionCount);
    }
}
