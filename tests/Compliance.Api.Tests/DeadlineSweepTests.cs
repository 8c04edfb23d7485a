using Compliance.Application;
using Compliance.Orders;
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

/// <summary>The sweep's failure paths, with a store whose write fails for one chosen order.</summary>
public sealed class DeadlineSweepFailureTests : IAsyncLifetime
{
    private ComplianceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ComplianceHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_breach_that_failed_is_swept_later_even_after_a_concurrent_sweep_moved_the_watermark_past_it()
    {
        var provider = await _host.RegisterProviderAsync();
        var order = await _host.IssueAsync(provider, dueAt: _host.Clock.GetUtcNow().AddSeconds(5));
        var orderId = order.GetProperty("orderId").GetString()!;
        var index = _host.Services.GetRequiredService<IDeadlineIndex>();
        var store = _host.Services.GetRequiredService<IOrderStore>();
        _host.FakeClock.Advance(TimeSpan.FromSeconds(10));

        var failing = await new DeadlineSweep(new FailingWrites(store, orderId), index, _host.Clock).RunAsync(CancellationToken.None);
        Assert.Equal(new SweepResult(1, 0, 1), failing);
        Assert.Equal("issued", (await _host.GetAsync($"/api/v1/orders/{orderId}", _host.Regulator)).Str("status"));

        // A sweep that ran meanwhile and found nothing due moves the watermark well past the hour.
        _host.FakeClock.Advance(TimeSpan.FromHours(3));
        await index.MarkSweptAsync(_host.Clock.GetUtcNow(), CancellationToken.None);
        _host.FakeClock.Advance(TimeSpan.FromMinutes(1));

        var next = await _host.Services.GetRequiredService<DeadlineSweep>().RunAsync(CancellationToken.None);

        Assert.Equal(1, next.Breached);
        var breached = await _host.GetAsync($"/api/v1/orders/{orderId}", _host.Regulator);
        Assert.Equal("breached", breached.Str("status"));
        Assert.Equal(order.GetProperty("dueAt").GetDateTimeOffset(), breached.Json.GetProperty("breachedAt").GetDateTimeOffset());
        Assert.Empty(await index.DueAsync(_host.Clock.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task An_entry_whose_order_is_still_being_written_survives_a_racing_sweep()
    {
        var provider = await _host.RegisterProviderAsync();
        var index = _host.Services.GetRequiredService<IDeadlineIndex>();
        var now = _host.Clock.GetUtcNow();

        // The intake wrote the index entry and has not committed the order yet when the sweep runs.
        var regime = _host.Services.GetRequiredService<Compliance.Regimes.RegimeCatalog>().Find("KR-TBA-22-5")!;
        var commission = new Compliance.Access.Caller(Compliance.Access.Role.Commission, "test-commission", null);
        var issued = TakedownOrder.Issue("ord-0000000000000000000000aa", provider, regime, [new OrderItem("https://v.example/1", null)], "r", commission, now, now.AddSeconds(2), "k");
        await index.ScheduleAsync(issued.Order, CancellationToken.None);
        _host.FakeClock.Advance(TimeSpan.FromSeconds(5));
        var racing = await _host.Services.GetRequiredService<DeadlineSweep>().RunAsync(CancellationToken.None);
        Assert.Equal(new SweepResult(1, 0, 0), racing);

        Assert.True(await _host.Services.GetRequiredService<IOrderStore>().TryCreateAsync(issued, CancellationToken.None));
        var next = await _host.Services.GetRequiredService<DeadlineSweep>().RunAsync(CancellationToken.None);

        Assert.Equal(1, next.Breached);
        Assert.Equal("breached", (await _host.GetAsync($"/api/v1/orders/{issued.Order.OrderId}", _host.Regulator)).Str("status"));
    }

    /// <summary>The real store, except that saving one order fails as a storage outage would.</summary>
    private sealed class FailingWrites(IOrderStore inner, string failingOrderId) : IOrderStore
    {
        public Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken) => inner.FindAsync(orderId, cancellationToken);

        public Task<StoredOrder?> FindAsync(string providerId, string orderId, CancellationToken cancellationToken) => inner.FindAsync(providerId, orderId, cancellationToken);

        public Task<bool> TryCreateAsync(OrderChange issued, CancellationToken cancellationToken) => inner.TryCreateAsync(issued, cancellationToken);

        public Task SaveAsync(StoredOrder previous, OrderChange change, CancellationToken cancellationToken) =>
            change.Order.OrderId == failingOrderId ? throw new Azure.RequestFailedException(503, "storage unavailable") : inner.SaveAsync(previous, change, cancellationToken);

        public Task<OrderPage> ListAsync(OrderQuery query, string? continuationToken, int pageSize, CancellationToken cancellationToken) => inner.ListAsync(query, continuationToken, pageSize, cancellationToken);

        public Task<IReadOnlyList<OrderEvent>> HistoryAsync(TakedownOrder order, CancellationToken cancellationToken) => inner.HistoryAsync(order, cancellationToken);

        public IAsyncEnumerable<TakedownOrder> IssuedBetweenAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.IssuedBetweenAsync(providerId, from, to, cancellationToken);

        public IAsyncEnumerable<(string ProviderId, string OrderId, OrderEvent Entry)> HistoryBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.HistoryBetweenAsync(from, to, cancellationToken);
    }
}
