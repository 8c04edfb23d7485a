using Compliance.Orders;
using Compliance.Sla;
using static Compliance.Domain.Tests.Orders;

namespace Compliance.Domain.Tests;

public sealed class SlaReportTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    private static TakedownOrder RemovedAfter(TimeSpan elapsed) =>
        Issued(dueAt: null).ConfirmRemoval(ProviderA, T0 + elapsed, T0 + elapsed, RemovalAction.Removed, null, "k").Order;

    [Fact]
    public void Counts_every_outcome_and_time_to_removal()
    {
        var orders = new[]
        {
            RemovedAfter(TimeSpan.FromMinutes(10)),
            RemovedAfter(TimeSpan.FromMinutes(20)),
            RemovedAfter(TimeSpan.FromMinutes(90)), // late: the clock is one hour
            Issued().Breach(T0.AddHours(2))!.Order,
            Issued().Withdraw(Commission, T0.AddMinutes(5), "error", "k").Order,
            Issued().RaiseObjection(ProviderA, T0.AddMinutes(5), Compliance.Regimes.ObjectionGround.ForceMajeure, "outage", OneHour, "k").Order,
            Issued(), // overdue at Now, not yet swept
        };

        var report = SlaReport.Compute("prov-a", T0, T0.AddDays(1), orders, Now);

        Assert.Equal(7, report.Orders);
        Assert.Equal(2, report.RemovedOnTime);
        Assert.Equal(1, report.RemovedLate);
        Assert.Equal(2, report.OpenOverdue);
        Assert.Equal(1, report.OpenWithinDeadline); // the paused objection
        Assert.Equal(3, report.Breached);
        Assert.Equal(1, report.Withdrawn);
        Assert.Equal(1, report.Objections);
        Assert.Equal(0.4, report.OnTimeRate);
        Assert.Equal(1200, report.MedianTimeToRemovalSeconds);
        Assert.Equal(5400, report.P95TimeToRemovalSeconds);
    }

    [Fact]
    public void An_empty_period_has_no_rates()
    {
        var report = SlaReport.Compute("prov-a", T0, Now, [], Now);

        Assert.Equal(0, report.Orders);
        Assert.Null(report.OnTimeRate);
        Assert.Null(report.MedianTimeToRemovalSeconds);
        Assert.Null(report.P95TimeToRemovalSeconds);
    }

    [Fact]
    public void Median_averages_the_middle_pair_and_p95_is_nearest_rank()
    {
        Assert.Equal(25, SlaReport.Median([10, 20, 30, 40]));
        Assert.Equal(30, SlaReport.Median([10, 30, 40]));
        var oneToTwenty = Enumerable.Range(1, 20).Select(i => (double)i).ToList();
        Assert.Equal(19, SlaReport.NearestRank(oneToTwenty, 0.95));
        Assert.Equal(7, SlaReport.NearestRank([7], 0.95));
    }

    [Fact]
    public void A_breached_order_withdrawn_later_still_counts_as_breached()
    {
        var order = Issued().Breach(T0.AddHours(2))!.Order.Withdraw(Commission, T0.AddHours(3), "moot", "k").Order;

        var report = SlaReport.Compute("prov-a", T0, Now, [order], Now);

        Assert.Equal(1, report.Withdrawn);
        Assert.Equal(1, report.Breached);
        Assert.Equal(0, report.OnTimeRate);
    }
}
