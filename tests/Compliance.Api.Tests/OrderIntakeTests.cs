using System.Net.Http.Headers;
using System.Text;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class OrderIntakeTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task Issuing_an_order_starts_the_regime_clock_at_server_receipt()
    {
        var provider = await Host.RegisterProviderAsync();
        var now = Host.Clock.GetUtcNow();

        var reply = await Host.PostAsync("/api/v1/orders", Host.Commission, ComplianceHost.WithNotice(new
        {
            providerId = provider,
            legalBasis = "EU-TCO",
            items = new[] { new { url = "https://video.example/watch/1" } },
            reason = "Terrorist content",
        }));

        Assert.Equal(201, reply.Status);
        var orderId = reply.Str("orderId");
        Assert.Matches("^ord-[0-9a-f]{24}$", orderId);
        Assert.Equal($"/api/v1/orders/{orderId}", reply.Location);
        Assert.Equal("\"1\"", reply.ETag);
        Assert.Equal("issued", reply.Str("status"));
        var issuedAt = reply.Json.GetProperty("issuedAt").GetDateTimeOffset();
        Assert.Equal(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), issuedAt);
        Assert.Equal(issuedAt.AddHours(1), reply.Json.GetProperty("dueAt").GetDateTimeOffset());

        var read = await Host.GetAsync(reply.Location!, Host.Commission);
        Assert.Equal(200, read.Status);
        Assert.Equal(reply.Text[..^1] + ",\"media\":[]}", read.Text);
    }

    [Fact]
    public async Task A_requested_deadline_may_shorten_but_not_lengthen_the_clock()
    {
        var provider = await Host.RegisterProviderAsync();
        var now = Host.Clock.GetUtcNow();

        var shorter = await Host.IssueAsync(provider, "KR-TBA-22-5", now.AddSeconds(5));
        Assert.Equal(now.AddSeconds(5), shorter.GetProperty("dueAt").GetDateTimeOffset());

        var longer = await Host.PostAsync("/api/v1/orders", Host.Commission, new
        {
            providerId = provider,
            legalBasis = "KR-TBA-22-5",
            items = new[] { new { url = "https://video.example/watch/1" } },
            reason = "r",
            dueAt = now.AddHours(25),
        });
        AssertProblem(longer, 422, "deadline-not-allowed");

        var noClock = await Host.PostAsync("/api/v1/orders", Host.Commission, ComplianceHost.WithNotice(new { providerId = provider, legalBasis = "EU-DSA-ART9", items = new[] { new { url = "https://v.example/1" } }, reason = "r" }));
        AssertProblem(noClock, 422, "deadline-not-allowed");
    }

    [Fact]
    public async Task Unknown_regime_and_unknown_provider_each_have_their_own_problem_type()
    {
        var provider = await Host.RegisterProviderAsync();

        var regime = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = provider, legalBasis = "XX-NONE", items = new[] { new { url = "https://v.example/1" } }, reason = "r" });
        AssertProblem(regime, 422, "unknown-regime");
        Assert.Equal(["AU-OSA", "EU-DSA-ART9", "EU-TCO", "KR-ICNA-44-7", "KR-TBA-22-5", "US-TAKE-IT-DOWN"], regime.Json.GetProperty("knownRegimes").EnumerateArray().Select(r => r.GetString()));

        var unknownProvider = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = "nobody-here", legalBasis = "EU-TCO", items = new[] { new { url = "https://v.example/1" } }, reason = "r" });
        AssertProblem(unknownProvider, 422, "unknown-provider");
    }

    [Fact]
    public async Task Missing_and_invalid_fields_are_all_reported_by_name()
    {
        var reply = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = "Bad Id", items = new[] { new { url = "ftp://x" } } });

        AssertProblem(reply, 400, "validation-failed");
        var errors = reply.Json.GetProperty("errors");
        Assert.Equal(["items[0].url", "legalBasis", "providerId", "reason"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("is required", errors.GetProperty("reason")[0].GetString());
    }

    [Theory]
    [InlineData("{\"providerId\": ", "malformed-json")]
    [InlineData("{\"providerId\": \"a\", \"providerId\": \"b\"}", "malformed-json")]
    [InlineData("{\"provider\": \"prov-a\"}", "malformed-json")]
    [InlineData("{\"items\": \"not a list\"}", "malformed-json")]
    [InlineData("null", "malformed-json")]
    [InlineData("[]", "malformed-json")]
    public async Task Malformed_json_is_a_400_never_a_500(string body, string slug)
    {
        var reply = await Host.PostAsync("/api/v1/orders", Host.Commission, body);

        AssertProblem(reply, 400, slug);
    }

    [Fact]
    public async Task A_body_over_256_KiB_is_refused_whether_or_not_its_length_is_declared()
    {
        var big = "{\"reason\":\"" + new string('x', 300 * 1024) + "\"}";
        var declared = await Host.PostAsync("/api/v1/orders", Host.Commission, big);
        AssertProblem(declared, 413, "payload-too-large");

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(big))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var chunked = await Host.SendAsync(request, Host.Commission);
        AssertProblem(chunked, 413, "payload-too-large");
    }

    [Fact]
    public async Task Header_problems_have_their_own_types()
    {
        var missingKey = await Host.PostAsync("/api/v1/orders", Host.Commission, new { }, idempotencyKey: null);
        AssertProblem(missingKey, 400, "missing-idempotency-key");

        var badKey = await Host.PostAsync("/api/v1/orders", Host.Commission, new { }, idempotencyKey: "has spaces in it");
        AssertProblem(badKey, 400, "invalid-idempotency-key");

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent("providerId=x", Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("Idempotency-Key", "k-form");
        AssertProblem(await Host.SendAsync(request, Host.Commission), 415, "unsupported-media-type");
    }

    [Fact]
    public async Task One_hundred_long_items_round_trip_through_table_storage_intact()
    {
        var provider = await Host.RegisterProviderAsync();
        var items = Enumerable.Range(0, 100)
            .Select(i => new { url = $"https://video.example/{i}/" + new string('u', 480), description = $"item {i} " + new string('d', 1500) })
            .ToArray();

        var issued = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = provider, legalBasis = "KR-TBA-22-5", items, reason = "bulk" });
        Assert.Equal(201, issued.Status);

        var read = await Host.GetAsync($"/api/v1/orders/{issued.Str("orderId")}", Host.Regulator);
        var stored = read.Json.GetProperty("items");
        Assert.Equal(100, stored.GetArrayLength());
        Assert.Equal(items[73].url, stored[73].GetProperty("url").GetString());
        Assert.Equal(items[99].description, stored[99].GetProperty("description").GetString());
    }

    [Fact]
    public async Task More_than_one_hundred_items_is_a_validation_error()
    {
        var provider = await Host.RegisterProviderAsync();
        var items = Enumerable.Range(0, 101).Select(i => new { url = $"https://v.example/{i}" }).ToArray();

        var reply = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = provider, legalBasis = "KR-TBA-22-5", items, reason = "bulk" });

        AssertProblem(reply, 400, "validation-failed");
        Assert.Equal("must list at most 100 items", reply.Json.GetProperty("errors").GetProperty("items")[0].GetString());
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
