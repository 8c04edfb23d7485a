using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Compliance.Api.Tests;

/// <summary>
/// Spans and metrics read from in-memory exporters during an order's life. Alone in its collection:
/// the meters and sources are process-wide, so figures from tests running beside it would mix in.
/// </summary>
[Collection(nameof(TelemetryTests))]
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task An_order_s_life_shows_in_spans_and_metrics_and_nothing_sensitive_does()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var host = await ComplianceHost.StartWithAsync(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        });
        var provider = await host.RegisterProviderAsync();
        var token = host.Provider(provider);
        var order = (await host.IssueAsync(provider, "KR-ICNA-44-7")).GetProperty("orderId").GetString();
        host.FakeClock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/confirmation", token, new { removedAt = host.Clock.GetUtcNow(), action = "removed" })).Status);
        var pdq = "c3" + new string('3', 62);
        Assert.Equal(200, (await host.PostAsync("/api/v1/hashbank/lookup", token, new { pdq }, idempotencyKey: null)).Status);

        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        // Metrics: one order issued, removed 90 s after issue, one lookup that matched nothing.
        Assert.Equal(1, Sum(metrics, "compliance.orders.issued", ("legal_basis", "KR-ICNA-44-7")));
        var removal = Points(metrics, "compliance.orders.time_to_removal").Single();
        Assert.Equal(1, removal.GetHistogramCount());
        Assert.Equal(90.0, removal.GetHistogramSum(), 3);
        Assert.Equal(1, Sum(metrics, "compliance.hashbank.lookups", ("kind", "hash"), ("matched", false)));
        Assert.Single(Points(metrics, "compliance.orders.intake_latency"));

        // Spans: the HTTP request by its route, the intake itself, and the Table Storage calls beneath it.
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && (s.GetTagItem("http.route") as string) == "/api/v1/orders" && (s.GetTagItem("http.request.method") as string) == "POST");
        Assert.Contains(spans, s => s.OperationName == "order.issue" && (s.GetTagItem("legal_basis") as string) == "KR-ICNA-44-7");
        Assert.Contains(spans, s => s.Source.Name.StartsWith("Azure.Data.Tables", StringComparison.Ordinal));

        // Nothing a log must not hold: no token, no reported URL, no reason text, no hash.
        var text = string.Join('\n', spans.SelectMany(s => new[] { s.DisplayName, s.OperationName }.Concat(s.TagObjects.Select(t => $"{t.Key}={t.Value}")).Concat(s.Events.Select(e => e.Name))))
            + string.Join('\n', metrics.SelectMany(m => Points(metrics, m.Name)).SelectMany(p => Tags(p)));
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(token[..20], text, StringComparison.Ordinal);
        Assert.DoesNotContain("video.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("deepfake", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(pdq, text, StringComparison.Ordinal);
        Assert.DoesNotContain(order!, text, StringComparison.Ordinal); // paths are kept as their route templates
        Assert.Contains(spans, s => (s.GetTagItem("url.path") as string) == "/api/v1/orders/{orderId}/confirmation");
    }

    private static List<MetricPoint> Points(List<Metric> metrics, string name)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add(point);
            }
        }

        return points;
    }

    private static List<string> Tags(MetricPoint point)
    {
        var tags = new List<string>();
        foreach (var tag in point.Tags)
        {
            tags.Add($"{tag.Key}={tag.Value}");
        }

        return tags;
    }

    private static long Sum(List<Metric> metrics, string name, params (string Key, object Value)[] tags) =>
        Points(metrics, name).Where(p => tags.All(t => Tags(p).Contains($"{t.Key}={t.Value}"))).Sum(p => p.GetSumLong());
}
