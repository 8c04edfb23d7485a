using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Compliance.Access;
using Compliance.Application;
using Compliance.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

/// <summary>
/// The local host as its own process, killed with SIGKILL in the middle of 500 concurrent intakes and
/// started again: retries with the same keys find every order exactly once, and no order is left
/// without its deadline-index row.
/// </summary>
public sealed class CrashTests
{
    private const int Intakes = 500;

    [Fact]
    public async Task Killing_the_host_during_500_intakes_loses_or_doubles_no_order()
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..12];
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var commission = DevelopmentTokens.Create(Role.Commission, null, "crash-officer", DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        var provider = "crash-" + Guid.NewGuid().ToString("N")[..8];

        var host = await StartHostAsync(http, port, prefix);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(http, commission, "/api/v1/providers", new { id = provider, name = "Crash test", jurisdiction = "KR", contact = "c@example.org" }, "provider")).Status);

            // 500 intakes, 32 at a time; the host is killed once 150 have been answered.
            var answered = 0;
            var killed = new TaskCompletionSource();
            using var gate = new SemaphoreSlim(32);
            var first = Enumerable.Range(0, Intakes).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var reply = await PostAsync(http, commission, "/api/v1/orders", Body(provider, i), Key(i));
                    if (Interlocked.Increment(ref answered) == 150)
                    {
                        host.Kill(entireProcessTree: true);
                        killed.TrySetResult();
                    }

                    return reply;
                }
                catch (HttpRequestException)
                {
                    return (Status: (HttpStatusCode)0, OrderId: (string?)null);
                }
                catch (TaskCanceledException)
                {
                    return (Status: (HttpStatusCode)0, OrderId: (string?)null);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            var before = await Task.WhenAll(first);
            await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await host.WaitForExitAsync();
            Assert.InRange(before.Count(r => r.Status == HttpStatusCode.Created), 150, Intakes - 1);

            // Restarted on the same storage, every key is retried until it has its answer.
            host = await StartHostAsync(http, port, prefix);
            var orders = new string[Intakes];
            for (var i = 0; i < Intakes; i++)
            {
                for (var attempt = 0; ; attempt++)
                {
                    var (status, orderId) = await PostAsync(http, commission, "/api/v1/orders", Body(provider, i), Key(i));
                    if (status == HttpStatusCode.Created)
                    {
                        orders[i] = orderId!;
                        break;
                    }

                    // A key whose first attempt died inside holds its lease for a moment (2 s here).
                    Assert.True(status == HttpStatusCode.Conflict && attempt < 20, $"key {i}: {status}");
                    await Task.Delay(500);
                }

                if (before[i].Status == HttpStatusCode.Created)
                {
                    Assert.Equal(before[i].OrderId, orders[i]);
                }
            }

            // Exactly one order per key, and nothing else.
            Assert.Equal(Intakes, orders.Distinct().Count());
            var listed = new List<string>();
            string? token = null;
            do
            {
                using var page = JsonDocument.Parse(await GetAsync(http, commission, $"/api/v1/orders?providerId={provider}&pageSize=1000" + (token is null ? string.Empty : $"&continuationToken={token}")));
                listed.AddRange(page.RootElement.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
                token = page.RootElement.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (token is not null);
            Assert.Equal(orders.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

            // Reconciliation: every open order has the deadline-index row the sweep reads.
            var indexed = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var row in new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(prefix + "Deadlines").QueryAsync<TableEntity>(select: ["OrderId"]))
            {
                indexed.Add(row.GetString("OrderId"));
            }

            Assert.DoesNotContain(orders, o => !indexed.Contains(o));

            // The sweep's reconciliation puts back an entry an operator deleted.
            var deadlines = new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(prefix + "Deadlines");
            var victim = deadlines.Query<TableEntity>(e => e.GetString("OrderId") == orders[0]).Single();
            await deadlines.DeleteEntityAsync(victim.PartitionKey, victim.RowKey);
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            await using var inProcess = await ComplianceHost.StartAsync(false, null, "--Storage:TablePrefix", prefix);
            Assert.Equal(Intakes, await inProcess.Services.GetRequiredService<DeadlineSweep>().ReconcileAsync(CancellationToken.None));
            Assert.Equal(victim.RowKey, deadlines.Query<TableEntity>(e => e.GetString("OrderId") == orders[0]).Single().RowKey);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            host.Dispose();
        }
    }

    private static object Body(string provider, int i) => new { providerId = provider, legalBasis = "KR-TBA-22-5", items = new[] { new { url = $"https://v.example/crash/{i}" } }, reason = "crash test" };

    private static string Key(int i) => $"crash-intake-{i:D3}";

    private static async Task<Process> StartHostAsync(HttpClient http, int port, string prefix)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            typeof(Compliance.LocalHost.LocalFunctionsHost).Assembly.Location,
            "--urls", $"http://127.0.0.1:{port}",
            "--ComplianceStorage", ComplianceHost.StorageConnection,
            "--Storage:TablePrefix", prefix,
            "--Storage:IdempotencyLease", "00:00:02",
            "--MediaIncomingContainer", prefix + "-incoming",
            "--MediaQuarantineContainer", prefix + "-quarantine",
            "--AuditContainer", prefix + "-audit",
            "--LocalHost:DisableTimers", "true",
            "--LocalHost:DisableBlobTriggers", "true",
            "--Logging:LogLevel:Default", "Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.False(process.HasExited, "the host exited while starting");
            await Task.Delay(250);
        }

        throw new TimeoutException("the host did not start");
    }

    private static async Task<(HttpStatusCode Status, string? OrderId)> PostAsync(HttpClient http, string token, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body, ComplianceHost.Json), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Created && path.EndsWith("/orders", StringComparison.Ordinal) ? JsonDocument.Parse(text).RootElement.GetProperty("orderId").GetString() : null);
    }

    private static async Task<string> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
