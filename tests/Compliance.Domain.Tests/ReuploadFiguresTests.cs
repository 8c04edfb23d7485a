using Compliance.Cases;

namespace Compliance.Domain.Tests;

public sealed class ReuploadFiguresTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Figures_count_each_action_per_provider_and_per_legal_basis()
    {
        MatchReport Report(string provider, MatchAction action, string? basis) =>
            new("mr-" + Guid.NewGuid().ToString("N")[..8], provider, "hb-1", action, At, At, "case-1", null, basis, "victim-requests");
        var reports = new[]
        {
            Report("prov-a", MatchAction.Blocked, "KR-TBA-22-5"),
            Report("prov-a", MatchAction.Blocked, "KR-TBA-22-5"),
            Report("prov-a", MatchAction.FalsePositive, "US-TAKE-IT-DOWN"),
            Report("prov-b", MatchAction.Removed, "KR-TBA-22-5"),
            Report("prov-b", MatchAction.Allowed, null),
        };

        var figures = ReuploadFigures.Of(At.AddDays(-1), At.AddDays(1), reports);

        Assert.Equal(new ReuploadCounts(2, 1, 1, 1), figures.Total);
        Assert.Equal([("prov-a", new ReuploadCounts(2, 0, 0, 1)), ("prov-b", new ReuploadCounts(0, 1, 1, 0))], figures.ByProvider);
        Assert.Equal([("KR-TBA-22-5", new ReuploadCounts(2, 1, 0, 0)), ("US-TAKE-IT-DOWN", new ReuploadCounts(0, 0, 0, 1)), ("unknown", new ReuploadCounts(0, 0, 1, 0))], figures.ByRegime);
    }

    [Fact]
    public void No_reports_count_zero_everywhere()
    {
        var figures = ReuploadFigures.Of(At, At.AddDays(1), []);

        Assert.Equal(new ReuploadCounts(0, 0, 0, 0), figures.Total);
        Assert.Empty(figures.ByProvider);
        Assert.Empty(figures.ByRegime);
    }

    [Fact]
    public void A_report_is_filed_under_its_case_else_its_order()
    {
        Assert.Equal("case-9", new MatchReport("mr-1", "p", "hb", MatchAction.Blocked, At, At, "case-9", null, null, "victim-requests").SourceKey);
        Assert.Equal("ord-7", new MatchReport("mr-1", "p", "hb", MatchAction.Blocked, At, At, null, "ord-7", null, "takedown-orders").SourceKey);
    }
}
