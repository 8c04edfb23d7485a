using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Compliance.Access;
using Compliance.Application;
using Compliance.Infrastructure.Identity;
using Compliance.Infrastructure.Storage;
using Compliance.LocalHost;
using Compliance.Orders;
using Compliance.Providers;
using Compliance.Regimes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Compliance.Benchmarks;

/// <summary>Order intake over HTTP against the local host, and the deadline sweep over many stored orders.</summary>
internal static class ApiBenchmark
{
    // Usage: api [--requests N] [--concurrency N] [--stored N] [--due N]
    public static async Task<int> RunAsync(string[] args)
    {
        var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a[2..], p => int.Parse(args[p.i + 1]));
        var requests = options.GetValueOrDefault("requests", 3000);
        var concurrency = options.GetValueOrDefault("concurrency", 16);
        var stored = options.GetValueOrDefault("stored", 100_000);
        var dueCount = options.GetValueOrDefault("due", 100);
        var storage = Environment.GetEnvironmentVariable("COMPLIANCE_TEST_STORAGE") ?? "UseDevelopmentStorage=true";

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = LocalFunctionsHost.Build(
            ["--urls", "http://127.0.0.1:0", "--ComplianceStorage", storage, "--Storage:TablePrefix", "bench" + Guid.NewGuid().ToString("N")[..8],
             "--LocalHost:DisableTimers", "true", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning"],
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var token = DevelopmentTokens.Create(Role.Commission, null, "bench", clock.GetUtcNow(), TimeSpan.FromDays(1));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var directory = app.Services.GetRequiredService<IProviderDirectory>();
        await directory.TryAddAsync(new Provider("bench-intake", "Bench", "KR", "bench@example.invalid", clock.GetUtcNow()), CancellationToken.None);

        // --- Order intake over HTTP -------------------------------------------------------------
        var body = JsonSerializer.Serialize(new { providerId = "bench-intake", legalBasis = "KR-TBA-22-5", items = new[] { new { url = "https://video.example/watch/1" } }, reason = "benchmark" });
        async Task<double> IssueOnce()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            if ((int)response.StatusCode != 201)
            {
                throw new InvalidOperationException($"intake answered {(int)response.StatusCode}");
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        async Task<List<double>> Run(int count)
        {
            var latencies = new List<double>(count);
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= count)
                {
                    var ms = await IssueOnce();
                    lock (latencies)
                    {
                        latencies.Add(ms);
                    }
                }
            }));
            latencies.Sort();
            return latencies;
        }

        await Run(Math.Min(200, requests));
        var wall = Stopwatch.StartNew();
        var intake = await Run(requests);
        wall.Stop();
        double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
        Console.WriteLine($"order intake: {requests} requests, concurrency {concurrency}: {requests / wall.Elapsed.TotalSeconds:F0} requests/s, p50 {Percentile(intake, 0.5):F1} ms, p99 {Percentile(intake, 0.99):F1} ms");

        // --- Sweep: a few due orders among many stored ------------------------------------------
        // Seeded in bulk transactions with the production row layout (orders with their history per
        // provider partition, deadline rows per hour partition); the sweep then runs the real code.
        var tables = app.Services.GetRequiredService<ComplianceTables>();
        var ordersTable = await tables.GetAsync(TableNames.Orders, CancellationToken.None);
        var deadlineTable = await tables.GetAsync(TableNames.Deadlines, CancellationToken.None);
        var regime = app.Services.GetRequiredService<RegimeCatalog>().Find("KR-TBA-22-5")!;
        var commission = new Caller(Role.Commission, "bench", null);
        var issueTime = clock.GetUtcNow();
        var changes = Enumerable.Range(0, stored).Select(i =>
        {
            // The due orders fall due in one second; the rest are spread over the next 23 hours.
            var due = i < dueCount ? issueTime.AddSeconds(1) : issueTime.AddMinutes(1 + (i % (23 * 60)));
            return TakedownOrder.Issue($"ord-{i:D24}", $"bench-{i % 100:D3}", regime, [new OrderItem("https://video.example/" + i, null)], "bench", commission, issueTime, due, null);
        }).ToList();
        var orderBatches = changes
            .GroupBy(c => c.Order.ProviderId)
            .SelectMany(g => g.Chunk(ComplianceTables.MaxBatchOperations / 2))
            .Select(chunk => chunk.SelectMany(c => new[] { OrderEntities.ToEntity(c.Order) }.Concat(c.Events.Select(e => OrderEntities.ToEntity(c.Order.ProviderId, c.Order.OrderId, e)))).ToList());
        var deadlineBatches = changes
            .Select(c => TableDeadlineIndex.ToEntity(c.Order.OrderId, c.Order.ProviderId, c.Order.Clock.DueAt!.Value, c.Order.IssuedAt))
            .GroupBy(e => e.PartitionKey)
            .SelectMany(g => g.Chunk(ComplianceTables.MaxBatchOperations))
            .Select(chunk => chunk.ToList());
        // A running system sweeps every minute, so the watermark is recent; set it as such a sweep would.
        await app.Services.GetRequiredService<DeadlineSweep>().RunAsync(CancellationToken.None);
        var seeding = Stopwatch.StartNew();
        var batches = orderBatches.Select(b => (ordersTable, b)).Concat(deadlineBatches.Select(b => (deadlineTable, b))).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await ComplianceTables.SubmitAsync(batch.Item1, batch.Item2.Select(e => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Add, e)).ToList(), ct));
        Console.WriteLine($"stored {stored} orders in {seeding.Elapsed.TotalSeconds:F0} s ({batches.Count} transactions)");

        clock.Advance(TimeSpan.FromSeconds(2));
        var finding = Stopwatch.StartNew();
        var found = await app.Services.GetRequiredService<IDeadlineIndex>().DueAsync(clock.GetUtcNow(), CancellationToken.None);
        Console.WriteLine($"deadline index: {found.Count} due of {stored} found in {finding.Elapsed.TotalMilliseconds:F0} ms");
        var sweep = app.Services.GetRequiredService<DeadlineSweep>();
        var sweepTime = Stopwatch.StartNew();
        var result = await sweep.RunAsync(CancellationToken.None);
        sweepTime.Stop();
        var idle = Stopwatch.StartNew();
        var second = await sweep.RunAsync(CancellationToken.None);
        idle.Stop();
        Console.WriteLine($"sweep: {result.Breached} of {stored} stored orders breached in {sweepTime.Elapsed.TotalMilliseconds:F0} ms ({result.DueEntries} index rows read); next sweep with nothing due: {idle.Elapsed.TotalMilliseconds:F0} ms ({second.DueEntries} rows)");

        // Baseline: what a sweep without the deadline index would read, a filtered scan of every order.
        var scan = Stopwatch.StartNew();
        var overdueByScan = 0;
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"Kind eq {"order"} and DueAt le {clock.GetUtcNow()}");
        await foreach (var _ in ordersTable.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["RowKey"]))
        {
            overdueByScan++;
        }

        Console.WriteLine($"baseline full scan for overdue orders: {scan.Elapsed.TotalMilliseconds:F0} ms ({overdueByScan} found)");
        await app.StopAsync();
        return result.Breached == dueCount ? 0 : 1;
    }
}
