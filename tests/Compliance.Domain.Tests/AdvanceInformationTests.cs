using Compliance.Application;
using Compliance.Orders;
using Compliance.Sla;
using static Compliance.Domain.Tests.Orders;

namespace Compliance.Domain.Tests;

public sealed class AdvanceInformationTests
{
    private static readonly TimeSpan Lead = TimeSpan.FromHours(12);

    private static AdvanceInformation InformedAt(DateTimeOffset at) => new("prov-a", "EU-TCO", "BKA", at, at, null);

    [Fact]
    public void A_first_order_without_advance_information_is_warned()
    {
        var warning = AdvanceInformationRule.WarningFor("EU-TCO", Lead, orderedBefore: false, information: null, T0);

        Assert.Equal(AdvanceInformationRule.Missing, warning!.Code);
    }

    [Theory]
    [InlineData(12 * 60, null)]
    [InlineData(12 * 60 + 1, null)]
    [InlineData(12 * 60 - 1, AdvanceInformationRule.TooLate)]
    [InlineData(5, AdvanceInformationRule.TooLate)]
    public void Information_less_than_twelve_hours_before_the_first_order_is_late(int minutesBefore, string? expected)
    {
        var warning = AdvanceInformationRule.WarningFor("EU-TCO", Lead, orderedBefore: false, InformedAt(T0.AddMinutes(-minutesBefore)), T0);

        Assert.Equal(expected, warning?.Code);
    }

    [Fact]
    public void Only_the_first_order_needs_it()
    {
        Assert.Null(AdvanceInformationRule.WarningFor("EU-TCO", Lead, orderedBefore: true, information: null, T0));
    }

    [Fact]
    public void A_no_effect_answer_counts_as_answered_and_a_late_one_as_a_breach()
    {
        var onTime = Issued(OneHourNoEffect).GiveNoEffect(ProviderA, T0.AddMinutes(30), "lawful", OneHourNoEffect, "k1").Order;
        var late = Issued(OneHourNoEffect).GiveNoEffect(ProviderA, T0.AddHours(2), "lawful", OneHourNoEffect, "k1").Order;

        var report = SlaReport.Compute("prov-a", T0.AddDays(-1), T0.AddDays(1), [onTime, late], T0.AddHours(3));

        Assert.Equal(OrderStatus.NoEffectGiven, late.Status);
        Assert.Equal(T0.AddHours(1), late.BreachedAt);
        Assert.Equal(2, report.NoEffectGiven);
        Assert.Equal(1, report.Breached);
        Assert.Equal(0, report.OpenOverdue);
        Assert.Equal(0, report.OpenWithinDeadline);
        Assert.Equal(0.0, report.OnTimeRate);
    }
}
