using Compliance.Application;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

public sealed class DeadlineSweepTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    private DeadlineSweep Sweep => Host.Services.GetRequiredService<DeadlineSweep>();

    [Fact]
    public async Task The_sweep_breaches_overdue_open_orders_once_and_leaves_the_rest()
    {
        var provider = await Host.RegisterProviderAsync();
        var now = Host.Clock.GetUtcNow();
        var overdue = (await Host.IssueAsync(provider, dueAt: now.AddSeconds(5))).GetProperty("orderId").GetString();
        var removed = (await Host.IssueAsync(provider, dueAt: now.AddSeconds(5))).GetProperty("orderId").GetString();
        var later = (await Host.IssueAsync(provider, dueAt: now.AddMinutes(5))).GetProperty("orderId").GetString();
        await Host.PostAsync($"/api/v1/orders/{removed}/confirmation", Host.Provider(provider), new { removedAt = now, action = "removed" });

        Host.FakeClock.Advance(TimeSpan.FromSeconds(10));
        await Sweep.RunAsync(CancellationToken.None);
        await Sweep.RunAsync(CancellationToken.None);

        var breached = await Host.GetAsync($"/api/v1/orders/{overdue}", Host.Regulator);
        Assert.Equal("breached", breached.Str("status"));
        Assert.Equal(breached.Json.GetProperty("dueAt").GetDateTimeOffset(), breached.Json.GetProperty("breachedAt").GetDateTimeOffset());
        Assert.Equal("removed", (await Host.GetAsync($"/api/v1/orders/{removed}", Host.Regulator)).Str("status"));
        Assert.Equal("issued", (await Host.GetAsync($"/api/v1/orders/{later}", Host.Regulator)).Str("status"));
        var history = (await Host.GetAsync($"/api/v1/orders/{overdue}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["issued", "breached"], history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("system", history[1].GetProperty("actor").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Two_sweeps_at_once_record_each_breach_exactly_once()
    {
        var provider = await Host.RegisterProviderAsync();
        var now = Host.Clock.GetUtcNow();
        var orders = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            orders.Add((await Host.IssueAsync(provider, dueAt: now.AddSeconds(1 + i))).GetProperty("orderId").GetString()!);
        }

        Host.FakeClock.Advance(TimeSpan.FromSeconds(30));
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Sweep.RunAsync(CancellationToken.None))));

        Assert.Equal(5, results.Sum(r => r.Breached));
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        foreach (var order in orders)
        {
            var events = (await Host.GetAsync($"/api/v1/orders/{order}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray();
            Assert.Equal(1, events.Count(e => e.GetProperty("type").GetString() == "breached"));
        }
    }

    [Fact]
    public async Task A_moved_deadline_is_swept_at_its_new_time_only()
    {
        var provider = await Host.RegisterProviderAsync();
        var now = Host.Clock.GetUtcNow();
        var order = (await Host.IssueAsync(provider, dueAt: now.AddSeconds(5))).GetProperty("orderId").GetString();
        await Host.PostAsync($"/api/v1/orders/{order}/extension", Host.Commission, new { dueAt = now.AddMinutes(2), reason = "r" });

        Host.FakeClock.Advance(TimeSpan.FromSeconds(30));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal("issued", (await Host.GetAsync($"/api/v1/orders/{order}", Host.Regulator)).Str("status"));

        Host.FakeClock.Advance(TimeSpan.FromMinutes(2));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal("breached", (await Host.GetAsync($"/api/v1/orders/{order}", Host.Regulator)).Str("status"));
    }

    [Fact]
    public async Task A_paused_clock_is_not_breached_and_a_restarted_one_is()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = (await Host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString();
        await Host.PostAsync($"/api/v1/orders/{order}/objection", Host.Provider(provider), new { ground = "insufficient_information", explanation = "Which post?" });

        Host.FakeClock.Advance(TimeSpan.FromHours(3));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal("objected", (await Host.GetAsync($"/api/v1/orders/{order}", Host.Regulator)).Str("status"));

        await Host.PostAsync($"/api/v1/orders/{order}/clarification", Host.Commission, new { explanation = "This post" });
        Host.FakeClock.Advance(TimeSpan.FromMinutes(61));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal("breached", (await Host.GetAsync($"/api/v1/orders/{order}", Host.Regulator)).Str("status"));
    }

    [Fact]
    public async Task A_removal_after_the_breach_is_late_and_stays_a_breach()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = (await Host.IssueAsync(provider, dueAt: Host.Clock.GetUtcNow().AddSeconds(5))).GetProperty("orderId").GetString();
        Host.FakeClock.Advance(TimeSpan.FromSeconds(6));
        await Sweep.RunAsync(CancellationToken.None);

        var confirmed = await Host.PostAsync($"/api/v1/orders/{order}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "removed" });

        Assert.Equal("removed", confirmed.Str("status"));
        Assert.True(confirmed.Json.GetProperty("removal").GetProperty("late").GetBoolean());
        Assert.True(confirmed.Json.TryGetProperty("breachedAt", out _));
    }
}

/// <summary>The timer function itself, fired by the local host on a real clock.</summary>
public sealed class DeadlineSweepTimerTests : IAsyncLifetime
{
    private ComplianceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ComplianceHost.StartAsync(fakeClock: false, sweepSchedule: "* * * * * *");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_timer_function_flags_a_missed_deadline_within_seconds()
    {
        var provider = await _host.RegisterProviderAsync();
        var order = (await _host.IssueAsync(provider, dueAt: DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("orderId").GetString();

        var status = "issued";
        for (var attempt = 0; attempt < 60 && status != "breached"; attempt++)
        {
            await Task.Delay(250);
            status = (await _host.GetAsync($"/api/v1/orders/{order}", _host.Regulator)).Str("status");
        }

        Assert.Equal("breached", status);
    }
}
