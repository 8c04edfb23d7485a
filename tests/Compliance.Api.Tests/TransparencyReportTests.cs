using Compliance.Access;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>A provider's transparency report, checked against a known set of orders and match reports.</summary>
public sealed class TransparencyReportTests
{
    [Fact]
    public async Task The_report_gives_each_regime_its_figures_and_the_re_uploads_blocked()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var other = await host.RegisterProviderAsync();
        async Task<string> Issue(string basis) => (await host.IssueAsync(provider, basis)).GetProperty("orderId").GetString()!;
        var tcoRemoved = await Issue("EU-TCO");
        await Issue("EU-TCO"); // left unanswered past its hour: breached
        var krRemoved = await Issue("KR-TBA-22-5");
        var krWithdrawn = await Issue("KR-TBA-22-5");
        var krObjected = await Issue("KR-TBA-22-5");
        await host.IssueAsync(other, "EU-TCO");

        host.FakeClock.Advance(TimeSpan.FromMinutes(10));
        await Confirm(host, provider, tcoRemoved);
        host.FakeClock.Advance(TimeSpan.FromMinutes(110));
        await Confirm(host, provider, krRemoved);
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{krWithdrawn}/withdrawal", host.Commission, new { reason = "wrong URL" })).Status);
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{krObjected}/objection", host.Provider(provider), new { ground = "manifest_error", explanation = "URL points elsewhere" })).Status);

        // The provider's filter blocks a re-upload of a victim's image; another provider's block is not its own.
        var pdq = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";
        Assert.Equal(201, (await host.PostAsync("/api/v1/cases", host.Token(Role.Support, subject: "centre-1"), new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { pdq } }, locations = new[] { new { providerId = other, url = "https://o.example/1" } } })).Status);
        foreach (var (who, action) in new[] { (provider, "blocked"), (provider, "allowed"), (other, "blocked") })
        {
            Assert.Equal(201, (await host.PostAsync("/api/v1/hashbank/matches", host.Provider(who), new { pdq, action, at = host.Clock.GetUtcNow() })).Status);
        }

        var report = await host.GetAsync($"/api/v1/providers/{provider}/transparency-report", host.Provider(provider));

        Assert.Equal(200, report.Status);
        var regimes = report.Json.GetProperty("regimes").EnumerateArray().ToList();
        Assert.Equal(["EU-TCO", "KR-TBA-22-5"], regimes.Select(r => r.GetProperty("legalBasis").GetString()));
        AssertFigures(regimes[0], "statutory", orders: 2, removed: 1, onTime: 1, breached: 1, objections: 0, withdrawn: 0, median: 600, p95: 600, blocked: 0);
        AssertFigures(regimes[1], "target", orders: 3, removed: 1, onTime: 1, breached: 0, objections: 1, withdrawn: 1, median: 7200, p95: 7200, blocked: 1);

        var csv = await host.GetAsync($"/api/v1/providers/{provider}/transparency-report", host.Regulator, accept: "text/csv");
        Assert.Equal("text/csv", csv.ContentType);
        var lines = csv.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("providerId,from,to,legalBasis,deadlineBasis,orders,removed,removedOnTime,breached,objections,withdrawn,medianTimeToRemovalSeconds,p95TimeToRemovalSeconds,reuploadsBlocked,noEffectGiven", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["EU-TCO", "statutory", "2", "1", "1", "1", "0", "0", "600", "600", "0", "0"], lines[1].Split(',')[3..]);
        Assert.Equal(["KR-TBA-22-5", "target", "3", "1", "1", "0", "1", "1", "7200", "7200", "1", "0"], lines[2].Split(',')[3..]);

        AssertProblem(await host.GetAsync($"/api/v1/providers/{provider}/transparency-report", host.Provider(other)), 404, "not-found");
        AssertProblem(await host.GetAsync($"/api/v1/providers/{provider}/transparency-report", host.Commission), 403, "forbidden");
        AssertProblem(await host.GetAsync($"/api/v1/providers/{provider}/transparency-report?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", host.Regulator), 400, "invalid-query");
    }

    private static async Task Confirm(ComplianceHost host, string provider, string order) =>
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/confirmation", host.Provider(provider), new { removedAt = host.Clock.GetUtcNow(), action = "removed" })).Status);

    private static void AssertFigures(System.Text.Json.JsonElement r, string basis, int orders, int removed, int onTime, int breached, int objections, int withdrawn, double median, double p95, int blocked)
    {
        Assert.Equal(basis, r.GetProperty("deadlineBasis").GetString());
        Assert.Equal(orders, r.GetProperty("orders").GetInt32());
        Assert.Equal(removed, r.GetProperty("removed").GetInt32());
        Assert.Equal(onTime, r.GetProperty("removedOnTime").GetInt32());
        Assert.Equal(breached, r.GetProperty("breached").GetInt32());
        Assert.Equal(objections, r.GetProperty("objections").GetInt32());
        Assert.Equal(withdrawn, r.GetProperty("withdrawn").GetInt32());
        Assert.Equal(median, r.GetProperty("medianTimeToRemovalSeconds").GetDouble());
        Assert.Equal(p95, r.GetProperty("p95TimeToRemovalSeconds").GetDouble());
        Assert.Equal(blocked, r.GetProperty("reuploadsBlocked").GetInt32());
    }
}
