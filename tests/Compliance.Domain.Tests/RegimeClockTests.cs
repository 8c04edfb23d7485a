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
    public void Where_a_regime_says_so_force_majeure_resumes_with_the_time_that_was_left_when_the_provider_reports_it_over()
    {
        var objected = Issued().RaiseObjection(ProviderA, T0.AddMinutes(20), ObjectionGround.ForceMajeure, "data-centre outage", OneHour, "k1").Order;

        var resumed = objected.ReportGroundsCeased(ProviderA, T0.AddHours(3), "outage over", OneHour, "k2");

        Assert.Equal(T0.AddHours(3).AddMinutes(40), resumed.Order.Clock.DueAt);
        Assert.Null(resumed.Order.Clock.Remaining);
        Assert.Equal(OrderEventType.GroundsCeased, Assert.Single(resumed.Events).Type);
        Assert.Equal(OrderStatus.Issued, resumed.Order.Status);
    }

    [Fact]
    public void Under_TCO_the_full_hour_starts_again_when_the_provider_reports_the_grounds_ceased()
    {
        var tco = Regime(TimeSpan.FromHours(1), onForceMajeure: ClockOnObjection.RestartsWhenGroundsCease);
        var objected = Issued(tco).RaiseObjection(ProviderA, T0.AddMinutes(50), ObjectionGround.ForceMajeure, "data-centre fire", tco, "k1").Order;
        Assert.True(objected.Clock.IsPaused);

        // The commission cannot end it: the regulation leaves that to the provider's report.
        var byCommission = Assert.Throws<ComplianceProblem>(() => objected.Clarify(Commission, T0.AddHours(2), "over?", tco, "k2"));
        Assert.Equal(ProblemKind.IllegalTransition, byCommission.Kind);

        var ceased = objected.ReportGroundsCeased(ProviderA, T0.AddHours(5), "power restored", tco, "k3");
        Assert.Equal(T0.AddHours(6), ceased.Order.Clock.DueAt);
        Assert.True(ceased.DeadlineMoved);
    }

    [Fact]
    public void A_manifest_error_is_ended_by_clarification_not_by_a_report_that_grounds_ceased()
    {
        var objected = Issued().RaiseObjection(ProviderA, T0.AddMinutes(5), ObjectionGround.ManifestError, "wrong URL", OneHour, "k1").Order;

        var problem = Assert.Throws<ComplianceProblem>(() => objected.ReportGroundsCeased(ProviderA, T0.AddMinutes(6), "x", OneHour, "k2"));

        Assert.Equal(ProblemKind.IllegalTransition, problem.Kind);
        Assert.Equal("manifest_error", problem.Extensions["ground"]);
    }

    [Fact]
    public void A_regime_that_allows_a_longer_period_accepts_a_later_deadline_and_others_refuse_it()
    {
        var osa = Regime(TimeSpan.FromHours(24)) with { LongerPeriodAllowed = true };
        var strict = Regime(TimeSpan.FromHours(24));

        Assert.Equal(T0.AddHours(72), DeadlinePolicy.Start(osa, T0, T0.AddHours(72)).DueAt);
        Assert.Equal(ProblemKind.DeadlineNotAllowed, Assert.Throws<ComplianceProblem>(() => DeadlinePolicy.Start(strict, T0, T0.AddHours(72))).Kind);
    }

    [Fact]
    public void A_target_clock_is_marked_as_a_target_on_the_order()
    {
        var kr = Regime(TimeSpan.FromHours(24)) with { ClockBasis = ClockBasis.Target };

        Assert.Equal(ClockBasis.Target, Issued(kr).Clock.Basis);
        Assert.Equal(ClockBasis.Statutory, Issued().Clock.Basis);
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
