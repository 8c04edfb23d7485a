using Compliance.Application;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class SlaTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task One_order_removed_on_time_and_one_missed_deadline()
    {
        var provider = await Host.RegisterProviderAsync();
        var from = Host.Clock.GetUtcNow().AddMinutes(-1);
        var fast = (await Host.IssueAsync(provider, dueAt: Host.Clock.GetUtcNow().AddSeconds(5))).GetProperty("orderId").GetString();
        var slow = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();
        Host.FakeClock.Advance(TimeSpan.FromSeconds(2));
        await Host.PostAsync($"/api/v1/orders/{slow}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "removed" });
        Host.FakeClock.Advance(TimeSpan.FromSeconds(10));
        await Host.Services.GetRequiredService<DeadlineSweep>().RunAsync(CancellationToken.None);
        Assert.Equal("breached", (await Host.GetAsync($"/api/v1/orders/{fast}", Host.Regulator)).Str("status"));

        var to = Host.Clock.GetUtcNow().AddMinutes(1);
        var query = $"/api/v1/providers/{provider}/sla?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var report = await Host.GetAsync(query, Host.Regulator);

        Assert.Equal(200, report.Status);
        var json = report.Json;
        Assert.Equal(2, json.GetProperty("orders").GetInt32());
        Assert.Equal(1, json.GetProperty("removedOnTime").GetInt32());
        Assert.Equal(1, json.GetProperty("breached").GetInt32());
        Assert.Equal(1, json.GetProperty("openOverdue").GetInt32());
        Assert.Equal(0, json.GetProperty("removedLate").GetInt32());
        Assert.Equal(0.5, json.GetProperty("onTimeRate").GetDouble());
        Assert.Equal(2.0, json.GetProperty("medianTimeToRemovalSeconds").GetDouble(), 2);

        var csv = await Host.GetAsync(query, Host.Provider(provider), accept: "text/csv");
        Assert.Equal("text/csv", csv.ContentType);
        var lines = csv.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("providerId,from,to,generatedAt,orders,removedOnTime,removedLate,openWithinDeadline,openOverdue,breached,", lines[0], StringComparison.Ordinal);
        var cells = lines[1].Split(',');
        Assert.Equal(provider, cells[0]);
        Assert.Equal(["2", "1", "0", "0", "1", "1", "0", "0", "0.5"], cells[4..13]);
    }

    [Fact]
    public async Task Bad_periods_and_formats_are_refused()
    {
        var provider = await Host.RegisterProviderAsync();

        AssertProblem(await Host.GetAsync($"/api/v1/providers/{provider}/sla?from=yesterday", Host.Regulator), 400, "invalid-query");
        AssertProblem(await Host.GetAsync($"/api/v1/providers/{provider}/sla?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", Host.Regulator), 400, "invalid-query");
        AssertProblem(await Host.GetAsync($"/api/v1/providers/{provider}/sla", Host.Regulator, accept: "application/xml"), 406, "not-acceptable");
        AssertProblem(await Host.GetAsync("/api/v1/providers/never-registered/sla", Host.Regulator), 404, "not-found");
    }
}
