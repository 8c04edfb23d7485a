using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class ConcurrencyTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task Of_racing_confirmations_and_withdrawals_exactly_one_wins()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();
        var removedAt = Host.Clock.GetUtcNow();

        var racers = Enumerable.Range(0, 6).Select(i => i % 2 == 0
            ? Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt, action = "removed" })
            : Host.PostAsync($"/api/v1/orders/{orderId}/withdrawal", Host.Commission, new { reason = "duplicate order" }));
        var replies = await Task.WhenAll(racers);

        var winner = Assert.Single(replies, r => r.Status == 200);
        Assert.All(replies.Where(r => r != winner), r => AssertProblem(r, 409, "illegal-transition"));
        var order = await Host.GetAsync($"/api/v1/orders/{orderId}", Host.Regulator);
        Assert.Equal(winner.Str("status"), order.Str("status"));
        var history = await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator);
        Assert.Equal(["issued", winner.Str("status")], history.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_stale_If_Match_is_refused_with_412()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();
        var ack = await Host.PostAsync($"/api/v1/orders/{orderId}/acknowledgement", Host.Provider(provider), new { }, ifMatch: "\"1\"");
        Assert.Equal("\"2\"", ack.ETag);

        var stale = await Host.PostAsync($"/api/v1/orders/{orderId}/extension", Host.Commission, new { dueAt = Host.Clock.GetUtcNow().AddDays(2), reason = "r" }, ifMatch: "\"1\"");

        AssertProblem(stale, 412, "precondition-failed");
        Assert.Equal(2, stale.Json.GetProperty("currentVersion").GetInt32());
    }
}
