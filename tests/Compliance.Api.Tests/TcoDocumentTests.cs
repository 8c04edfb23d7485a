using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>The TCO Regulation's three forms filled in from an order, as JSON and as printable HTML; and the time of first receipt.</summary>
public sealed class TcoDocumentTests
{
    [Fact]
    public async Task The_provider_first_reading_the_order_is_its_receipt_recorded_once_without_changing_the_order()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString();

        host.FakeClock.Advance(TimeSpan.FromMinutes(3));
        var byCommission = await host.GetAsync($"/api/v1/orders/{order}", host.Commission);
        Assert.False(byCommission.Json.TryGetProperty("firstReceivedAt", out _));

        host.FakeClock.Advance(TimeSpan.FromMinutes(2));
        var readAt = host.Clock.GetUtcNow();
        var first = await host.GetAsync($"/api/v1/orders/{order}", host.Provider(provider));
        host.FakeClock.Advance(TimeSpan.FromMinutes(10));
        var again = await host.GetAsync($"/api/v1/orders/{order}", host.Provider(provider));

        Assert.Equal(readAt.ToUnixTimeMilliseconds(), first.Json.GetProperty("firstReceivedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(first.Json.GetProperty("firstReceivedAt").GetDateTimeOffset(), again.Json.GetProperty("firstReceivedAt").GetDateTimeOffset());
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal("\"1\"", again.ETag);
    }

    [Fact]
    public async Task Annex_I_II_and_III_are_filled_in_from_the_order_and_its_answers()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var order = (await host.PostAsync("/api/v1/orders", host.Commission, ComplianceHost.WithNotice(new
        {
            providerId = provider,
            legalBasis = "EU-TCO",
            items = new[] { new { url = "https://v.example/a?x=1&y=<2>", description = "video" } },
            reason = "Incitement <script>alert(1)</script>",
        }))).Str("orderId");
        var issuedAt = (await host.GetAsync($"/api/v1/orders/{order}", host.Commission)).Json.GetProperty("issuedAt").GetDateTimeOffset();

        // Annex I: the removal order.
        host.FakeClock.Advance(TimeSpan.FromMinutes(1));
        await host.GetAsync($"/api/v1/orders/{order}", host.Provider(provider));
        var annexI = await host.GetAsync($"/api/v1/orders/{order}/documents/annex-i", host.Provider(provider));
        Assert.Equal(200, annexI.Status);
        Assert.Equal("I", annexI.Str("annex"));
        var fields = Fields(annexI);
        Assert.Equal("REF-2026-0042", fields["referenceNumber"]);
        Assert.Equal("Competent authority", fields["authorityName"]);
        Assert.Equal("DE", fields["memberState"]);
        Assert.Equal($"Provider {provider}", fields["providerName"]);
        Assert.Equal("https://v.example/a?x=1&y=<2>", fields["url1"]);
        Assert.Equal("video", fields["additionalInformation1"]);
        Assert.Equal("Incitement <script>alert(1)</script>", fields["statementOfReasons"]);
        Assert.Equal(issuedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), fields["issuedAt"]);
        Assert.Equal(issuedAt.AddMinutes(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), fields["firstReceivedAt"]);
        Assert.Equal(issuedAt.AddHours(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), fields["deadline"]);
        Assert.Equal("P6M from removal", fields["preservation"]);
        Assert.Equal("Administrative court, within one month of receipt", fields["redress"]);
        Assert.Equal(["A", "B", "C", "D", "E"], annexI.Json.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("letter").GetString()));

        // The printable page encodes everything it shows.
        var html = await host.GetAsync($"/api/v1/orders/{order}/documents/annex-i", host.Commission, accept: "text/html");
        Assert.Equal("text/html", html.ContentType);
        Assert.Contains("<h1>Annex I: Removal order</h1>", html.Text, StringComparison.Ordinal);
        Assert.Contains("Incitement &lt;script&gt;alert(1)&lt;/script&gt;", html.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html.Text, StringComparison.Ordinal);
        Assert.Contains("<dd data-key=\"referenceNumber\">REF-2026-0042</dd>", html.Text, StringComparison.Ordinal);

        // Annex II exists once the content is removed, Annex III once the provider raised a ground.
        AssertProblem(await host.GetAsync($"/api/v1/orders/{order}/documents/annex-ii", host.Commission), 409, "illegal-transition");
        AssertProblem(await host.GetAsync($"/api/v1/orders/{order}/documents/annex-iii", host.Commission), 409, "illegal-transition");
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/objection", host.Provider(provider), new { ground = "force_majeure", explanation = "data centre flooded" })).Status);
        var annexIII = Fields(await host.GetAsync($"/api/v1/orders/{order}/documents/annex-iii", host.Commission));
        Assert.Equal("[x]", annexIII["forceMajeure"]);
        Assert.Equal("[ ]", annexIII["manifestError"]);
        Assert.Equal("[ ]", annexIII["insufficientInformation"]);
        Assert.Equal("data centre flooded", annexIII["explanation"]);

        host.FakeClock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/grounds-ceased", host.Provider(provider), new { explanation = "power back" })).Status);
        var removedAt = host.Clock.GetUtcNow();
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/confirmation", host.Provider(provider), new { removedAt, action = "disabled" })).Status);
        var annexII = Fields(await host.GetAsync($"/api/v1/orders/{order}/documents/annex-ii", host.Provider(provider)));
        Assert.Equal("Access disabled", annexII["action"]);
        Assert.Equal(removedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), annexII["actionTakenAt"]);
        Assert.Equal("Yes", annexII["withinDeadline"]);
        // The ground stays on Annex III after it was answered.
        Assert.Equal("[x]", Fields(await host.GetAsync($"/api/v1/orders/{order}/documents/annex-iii", host.Commission))["forceMajeure"]);
    }

    [Fact]
    public async Task Only_TCO_orders_have_the_forms_and_only_for_those_who_may_see_the_order()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var other = await host.RegisterProviderAsync();
        var tco = (await host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString();
        var kr = (await host.IssueAsync(provider, "KR-TBA-22-5")).GetProperty("orderId").GetString();

        AssertProblem(await host.GetAsync($"/api/v1/orders/{kr}/documents/annex-i", host.Commission), 404, "not-found");
        AssertProblem(await host.GetAsync($"/api/v1/orders/{tco}/documents/annex-iv", host.Commission), 404, "not-found");
        AssertProblem(await host.GetAsync($"/api/v1/orders/{tco}/documents/annex-i", host.Provider(other)), 404, "not-found");
        AssertProblem(await host.GetAsync($"/api/v1/orders/{tco}/documents/annex-i", host.Commission, accept: "application/pdf"), 406, "not-acceptable");
        Assert.Equal(200, (await host.GetAsync($"/api/v1/orders/{tco}/documents/annex-i", host.Regulator)).Status);
    }

    private static Dictionary<string, string?> Fields(Reply reply)
    {
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("sections").EnumerateArray()
            .SelectMany(s => s.GetProperty("fields").EnumerateArray())
            .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("value").ValueKind == System.Text.Json.JsonValueKind.Null ? null : f.GetProperty("value").GetString());
    }
}
