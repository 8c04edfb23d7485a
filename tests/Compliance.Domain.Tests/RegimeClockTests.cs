using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;
using static Compliance.Domain.Tests.Orders;

namespace Compliance.Domain.Tests;

public sealed class RegimeClockTests
{
    [Fact]
    public void The_regime_clock_runs_from_the_time_of_issue()
    {
        var clock = DeadlinePolicy.Start(Regime(TimeSpan.FromHours(24)), T0, null);

        Assert.Equal(new RemovalClock(TimeSpan.FromHours(24), T0.AddHours(24), null), clock);
    }

    [Fact]
    public void An_order_may_shorten_the_regime_clock()
    {
        var clock = DeadlinePolicy.Start(Regime(TimeSpan.FromHours(24)), T0, T0.AddSeconds(5));

        Assert.Equal(T0.AddSeconds(5), clock.DueAt);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.FullPeriod);
    }

    [Theory]
    [InlineData(24 * 3600 + 1)]
    [InlineData(0)]
    [InlineData(-60)]
    public void An_order_may_not_lengthen_the_clock_or_set_a_deadline_in_the_past(int seconds)
    {
        var problem = Assert.Throws<ComplianceProblem>(() => DeadlinePolicy.Start(Regime(TimeSpan.FromHours(24)), T0, T0.AddSeconds(seconds)));

        Assert.Equal(ProblemKind.DeadlineNotAllowed, problem.Kind);
    }

    [Fact]
    public void Without_a_statutory_clock_the_order_must_set_the_deadline()
    {
        var regime = Regime(clock: null);

        Assert.Equal(ProblemKind.DeadlineNotAllowed, Assert.Throws<ComplianceProblem>(() => DeadlinePolicy.Start(regime, T0, null)).Kind);
        Assert.Equal(T0.AddDays(7), DeadlinePolicy.Start(regime, T0, T0.AddDays(7)).DueAt);
    }

    [Fact]
    public void Manifest_error_pauses_the_clock_and_clarification_restarts_it_in_full()
    {
        var objected = Issued().RaiseObjection(ProviderA, T0.AddMinutes(20), ObjectionGround.ManifestError, "URL points elsewhere", OneHour, "k1");

        Assert.Null(objected.Order.Clock.DueAt);
        Assert.Equal(TimeSpan.FromMinutes(40), objected.Order.Clock.Remaining);
        Assert.False(objected.Order.IsOverdue(T0.AddDays(3)));

        var clarified = objected.Order.Clarify(Commission, T0.AddMinutes(50), "corrected URL", OneHour, "k2");

        Assert.Equal(T0.AddMinutes(50).AddHours(1), clarified.Order.Clock.DueAt);
        Assert.True(clarified.DeadlineMoved);
    }

    [Fact]
    public void Force_majeure_pauses_the_clock_and_it_resumes_with_the_time_that_was_left()
    {
        var objected = Issued().RaiseObjection(ProviderA, T0.AddMinutes(20), ObjectionGround.ForceMajeure, "data-centre outage", OneHour, "k1").Order;

        var resumed = objected.Clarify(Commission, T0.AddHours(3), "outage over", OneHour, "k2").Order;

        Assert.Equal(T0.AddHours(3).AddMinutes(40), resumed.Clock.DueAt);
        Assert.Null(resumed.Clock.Remaining);
    }

    [Fact]
    public void Where_objections_do_not_pause_the_clock_the_objected_order_can_still_breach()
    {
        var regime = Regime(TimeSpan.FromHours(48), ClockOnObjection.KeepsRunning, ClockOnObjection.KeepsRunning);
        var objected = Issued(regime).RaiseObjection(ProviderA, T0.AddHours(1), ObjectionGround.ManifestError, "x", regime, "k1");

        Assert.False(objected.DeadlineMoved);
        Assert.Equal(T0.AddHours(48), objected.Order.Clock.DueAt);
        var breach = objected.Order.Breach(T0.AddHours(48).AddSeconds(1))!;
        Assert.Equal(OrderStatus.Breached, breach.Order.Status);
        Assert.Equal(OrderStatus.Objected, breach.Events[0].From);
    }

    [Fact]
    public void An_objection_after_the_deadline_leaves_no_time_to_resume()
    {
        var paused = new RemovalClock(TimeSpan.FromHours(1), T0.AddHours(1), null).Pause(T0.AddHours(2));

        Assert.Equal(TimeSpan.Zero, paused.Remaining);
        Assert.Equal(T0.AddHours(5), paused.Resume(T0.AddHours(5)).DueAt);
    }
}
