using Compliance.Access;
using Compliance.Application;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class IdempotencyTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    private static object OrderBody(string provider, string url = "https://video.example/1") =>
        new { providerId = provider, legalBasis = "KR-TBA-22-5", items = new[] { new { url } }, reason = "r" };

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_returns_the_original_response_and_issues_nothing_new()
    {
        var provider = await Host.RegisterProviderAsync();

        var first = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "issue-1");
        Host.FakeClock.Advance(TimeSpan.FromSeconds(3));
        var retry = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "issue-1");

        Assert.Equal(201, retry.Status);
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal(first.Location, retry.Location);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var list = await Host.GetAsync($"/api/v1/orders?providerId={provider}", Host.Commission);
        Assert.Equal(1, list.Json.GetProperty("orders").GetArrayLength());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        var provider = await Host.RegisterProviderAsync();
        await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "issue-2");

        var other = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider, "https://video.example/2"), "issue-2");

        AssertProblem(other, 422, "idempotency-key-reused");
    }

    [Fact]
    public async Task Refusals_are_replayed_too()
    {
        var first = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody("unknown-prov"), "issue-3");
        var retry = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody("unknown-prov"), "issue-3");

        AssertProblem(first, 422, "unknown-provider");
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        var a = await Host.RegisterProviderAsync();
        var b = await Host.RegisterProviderAsync();
        var orderA = (await Host.IssueAsync(a)).GetProperty("orderId").GetString();
        var orderB = (await Host.IssueAsync(b)).GetProperty("orderId").GetString();

        var ackA = await Host.PostAsync($"/api/v1/orders/{orderA}/acknowledgement", Host.Provider(a), new { }, "ack");
        var ackB = await Host.PostAsync($"/api/v1/orders/{orderB}/acknowledgement", Host.Provider(b), new { }, "ack");

        Assert.Equal(200, ackA.Status);
        Assert.Equal(200, ackB.Status);
        Assert.Equal(orderB, ackB.Str("orderId"));
        Assert.False(ackB.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Concurrent_duplicates_create_exactly_one_order()
    {
        var provider = await Host.RegisterProviderAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "burst")));

        Assert.All(replies, r => Assert.Contains(r.Status, new[] { 201, 409 }));
        Assert.All(replies.Where(r => r.Status == 409), r => Assert.Equal(Type("idempotent-request-in-progress"), r.ProblemType));
        var created = replies.Where(r => r.Status == 201).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Str("orderId")).Distinct());
        var list = await Host.GetAsync($"/api/v1/orders?providerId={provider}", Host.Regulator);
        Assert.Equal(1, list.Json.GetProperty("orders").GetArrayLength());
    }

    [Fact]
    public async Task A_request_that_died_holding_its_key_can_be_retried_after_the_lease()
    {
        var provider = await Host.RegisterProviderAsync();
        var store = Host.Services.GetRequiredService<IIdempotencyStore>();
        var scope = new Caller(Role.Commission, "test-commission", null).Scope;

        // Simulate a crash: the key is claimed but never completed.
        var claim = await store.BeginAsync(scope, "crashed", "fingerprint-of-another-attempt", CancellationToken.None);
        Assert.IsType<IdempotencyStart.Started>(claim);
        AssertProblem(await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "crashed"), 422, "idempotency-key-reused");

        Host.FakeClock.Advance(TimeSpan.FromMinutes(1));
        var retry = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(provider), "crashed");

        Assert.Equal(201, retry.Status);
    }

    [Fact]
    public async Task A_key_reused_after_its_record_expired_cannot_take_over_the_order_it_issued()
    {
        var a = await Host.RegisterProviderAsync();
        var b = await Host.RegisterProviderAsync();
        var keys = new[] { "expired-other-provider", "expired-other-body", "expired-same-body" };
        var issued = new List<string>();
        foreach (var key in keys)
        {
            issued.Add((await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(a), key)).Str("orderId"));
        }

        Host.FakeClock.Advance(TimeSpan.FromHours(25));
        var otherProvider = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(b), keys[0]);
        var otherBody = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(a, "https://video.example/other"), keys[1]);
        var sameBody = await Host.PostAsync("/api/v1/orders", Host.Commission, OrderBody(a), keys[2]);

        AssertProblem(otherProvider, 422, "idempotency-key-reused");
        AssertProblem(otherBody, 422, "idempotency-key-reused");
        Assert.Equal(201, sameBody.Status);
        Assert.Equal(issued[2], sameBody.Str("orderId"));
        foreach (var orderId in issued)
        {
            var stored = await Host.GetAsync($"/api/v1/orders/{orderId}", Host.Commission);
            Assert.Equal(a, stored.Str("providerId"));
            Assert.Equal("https://video.example/1", stored.Json.GetProperty("items")[0].GetProperty("url").GetString());
            Assert.Equal(404, (await Host.GetAsync($"/api/v1/orders/{orderId}", Host.Provider(b))).Status);
        }

        var listB = await Host.GetAsync($"/api/v1/orders?providerId={b}", Host.Commission);
        Assert.Equal(0, listB.Json.GetProperty("orders").GetArrayLength());
        Assert.Equal(3, (await Host.GetAsync($"/api/v1/orders?providerId={a}", Host.Commission)).Json.GetProperty("orders").GetArrayLength());
    }

    [Fact]
    public async Task Records_past_their_retention_are_purged_and_fresh_ones_kept()
    {
        // A host of its own: the class's shared host holds other tests' records and a clock they move.
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var store = host.Services.GetRequiredService<IIdempotencyStore>();
        await host.PostAsync("/api/v1/orders", host.Commission, OrderBody(provider), "purge-old");
        host.FakeClock.Advance(TimeSpan.FromHours(25));
        var fresh = await host.PostAsync("/api/v1/orders", host.Commission, OrderBody(provider, "https://video.example/fresh"), "purge-fresh");

        // The provider's registration and the first order: both a day old.
        Assert.Equal(2, await store.PurgeExpiredAsync(CancellationToken.None));

        var table = new Azure.Data.Tables.TableClient(ComplianceHost.StorageConnection, host.TablePrefix + "Idempotency");
        var scope = Uri.EscapeDataString(new Caller(Role.Commission, "test-commission", null).Scope);
        Assert.False((await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(scope, "purge-old")).HasValue);
        Assert.True((await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(scope, "purge-fresh")).HasValue);
        var replay = await host.PostAsync("/api/v1/orders", host.Commission, OrderBody(provider, "https://video.example/fresh"), "purge-fresh");
        Assert.Equal(fresh.Text, replay.Text);
    }
}
