using Compliance.Application;
using Compliance.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>
/// Races made certain: a gate in the real store holds one request at the exact point of the race
/// until the other has arrived, so the tests prove the outcome instead of hoping the calls overlap.
/// </summary>
public sealed class RaceTests
{
    [Fact]
    public async Task A_retry_while_the_first_attempt_is_still_inside_gets_409_and_afterwards_the_first_answer()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await ComplianceHost.StartWithAsync(services => services.AddSingleton<IOrderStore>(sp => new GatedOrderStore(sp.GetRequiredService<TableOrderStore>())
        {
            BeforeCreate = async () =>
            {
                inside.TrySetResult();
                await release.Task;
            },
        }).AddSingleton<TableOrderStore>());
        var provider = await host.RegisterProviderAsync();
        var body = new { providerId = provider, legalBasis = "KR-TBA-22-5", items = new[] { new { url = "https://v.example/race" } }, reason = "r" };

        var first = host.PostAsync("/api/v1/orders", host.Commission, body, "same-key");
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var during = await host.PostAsync("/api/v1/orders", host.Commission, body, "same-key");
        release.SetResult();
        var answered = await first;
        var after = await host.PostAsync("/api/v1/orders", host.Commission, body, "same-key");

        AssertProblem(during, 409, "idempotent-request-in-progress");
        Assert.Equal(201, answered.Status);
        Assert.Equal(201, after.Status);
        Assert.Equal(answered.Text, after.Text);
        Assert.Equal("true", after.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await host.GetAsync($"/api/v1/orders?providerId={provider}", host.Regulator)).Json.GetProperty("orders").EnumerateArray());
    }

    [Fact]
    public async Task Two_sweeps_that_both_read_an_overdue_order_before_either_writes_record_one_breach()
    {
        using var bothRead = new Barrier(2);
        var met = new System.Collections.Concurrent.ConcurrentBag<bool>();
        await using var host = await ComplianceHost.StartWithAsync(services => services.AddSingleton<IOrderStore>(sp => new GatedOrderStore(sp.GetRequiredService<TableOrderStore>())
        {
            // The first two saves wait for each other: each sweep has read the order and decided on a breach.
            BeforeSave = () => Task.Run(() => met.Add(bothRead.SignalAndWait(TimeSpan.FromSeconds(30)))),
            GatedSaves = 2,
        }).AddSingleton<TableOrderStore>());
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider, dueAt: host.Clock.GetUtcNow().AddSeconds(5))).GetProperty("orderId").GetString();
        host.FakeClock.Advance(TimeSpan.FromMinutes(1));
        var sweep = host.Services.GetRequiredService<DeadlineSweep>();

        var results = await Task.WhenAll(Task.Run(() => sweep.RunAsync(CancellationToken.None)), Task.Run(() => sweep.RunAsync(CancellationToken.None)));

        Assert.Equal([true, true], met); // both sweeps were at the write at once
        Assert.Equal(1, results.Sum(r => r.Breached));
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        var events = (await host.GetAsync($"/api/v1/orders/{order}/history", host.Regulator)).Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["issued", "breached"], events);
    }

    /// <summary>The real table store with a hook before the writes a race turns on.</summary>
    private sealed class GatedOrderStore(IOrderStore inner) : IOrderStore
    {
        private int _creates;
        private int _saves;

        public Func<Task>? BeforeCreate { get; init; }

        public Func<Task>? BeforeSave { get; init; }

        public int GatedSaves { get; init; } = 1;

        public Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken) => inner.FindAsync(orderId, cancellationToken);

        public Task<StoredOrder?> FindAsync(string providerId, string orderId, CancellationToken cancellationToken) => inner.FindAsync(providerId, orderId, cancellationToken);

        public async Task<bool> TryCreateAsync(Compliance.Orders.OrderChange issued, CancellationToken cancellationToken)
        {
            if (BeforeCreate is not null && Interlocked.Increment(ref _creates) == 1)
            {
                await BeforeCreate();
            }

            return await inner.TryCreateAsync(issued, cancellationToken);
        }

        public async Task SaveAsync(StoredOrder previous, Compliance.Orders.OrderChange change, CancellationToken cancellationToken)
        {
            if (BeforeSave is not null && Interlocked.Increment(ref _saves) <= GatedSaves)
            {
                await BeforeSave();
            }

            await inner.SaveAsync(previous, change, cancellationToken);
        }

        public Task<OrderPage> ListAsync(OrderQuery query, string? continuationToken, int pageSize, CancellationToken cancellationToken) => inner.ListAsync(query, continuationToken, pageSize, cancellationToken);

        public Task<IReadOnlyList<Compliance.Orders.OrderEvent>> HistoryAsync(Compliance.Orders.TakedownOrder order, CancellationToken cancellationToken) => inner.HistoryAsync(order, cancellationToken);

        public IAsyncEnumerable<Compliance.Orders.TakedownOrder> IssuedBetweenAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.IssuedBetweenAsync(providerId, from, to, cancellationToken);

        public IAsyncEnumerable<(string ProviderId, string OrderId, Compliance.Orders.OrderEvent Entry)> HistoryBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => inner.HistoryBetweenAsync(from, to, cancellationToken);
    }
}
