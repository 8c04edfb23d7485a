using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>TCO advance information before an authority's first order, and the DSA's "no effect given" answer.</summary>
public sealed class LegalFidelityTests
{
    [Fact]
    public async Task An_authority_s_first_TCO_order_to_a_provider_is_warned_unless_informed_twelve_hours_ahead()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();

        // No advance information: the order issues, with the warning on record.
        var first = await IssueTco(host, provider, "Federal Police");
        var warning = Assert.Single(first.Json.GetProperty("warnings").EnumerateArray());
        Assert.Equal("advance-information-missing", warning.GetProperty("code").GetString());
        Assert.Equal(first.Json.GetProperty("warnings").GetRawText(), (await host.GetAsync($"/api/v1/orders/{first.Str("orderId")}", host.Regulator)).Json.GetProperty("warnings").GetRawText());
        // Its next order to the same provider is not a first.
        Assert.Empty((await IssueTco(host, provider, "Federal Police")).Json.GetProperty("warnings").EnumerateArray());

        // Another authority informed the provider 13 hours ahead: no warning.
        var informed = await host.PostAsync($"/api/v1/providers/{provider}/advance-information", host.Commission, new { legalBasis = "EU-TCO", authority = "State Office", informedAt = host.Clock.GetUtcNow().AddHours(-13), note = "procedures and deadlines sent by e-mail" });
        Assert.Equal(201, informed.Status);
        Assert.Equal("State Office", informed.Str("authority"));
        Assert.Empty((await IssueTco(host, provider, "State Office")).Json.GetProperty("warnings").EnumerateArray());

        // A third informed only an hour ahead: late.
        Assert.Equal(201, (await host.PostAsync($"/api/v1/providers/{provider}/advance-information", host.Commission, new { legalBasis = "EU-TCO", authority = "City Office", informedAt = host.Clock.GetUtcNow().AddHours(-1) })).Status);
        Assert.Equal("advance-information-late", Assert.Single((await IssueTco(host, provider, "City Office")).Json.GetProperty("warnings").EnumerateArray()).GetProperty("code").GetString());

        // Other regimes ask for none, and only the commission records it.
        Assert.Empty((await host.IssueAsync(provider, "KR-ICNA-44-7")).GetProperty("warnings").EnumerateArray());
        AssertProblem(await host.PostAsync($"/api/v1/providers/{provider}/advance-information", host.Commission, new { legalBasis = "KR-ICNA-44-7", authority = "KCSC" }), 400, "validation-failed");
        AssertProblem(await host.PostAsync($"/api/v1/providers/{provider}/advance-information", host.Commission, new { legalBasis = "EU-TCO", authority = "X", informedAt = host.Clock.GetUtcNow().AddDays(1) }), 400, "validation-failed");
        AssertProblem(await host.PostAsync($"/api/v1/providers/{provider}/advance-information", host.Provider(provider), new { legalBasis = "EU-TCO", authority = "X" }), 403, "forbidden");
        AssertProblem(await host.PostAsync("/api/v1/providers/nobody-here/advance-information", host.Commission, new { legalBasis = "EU-TCO", authority = "X" }), 404, "not-found");
    }

    [Fact]
    public async Task A_DSA_order_may_be_answered_with_no_effect_given_and_reasons_and_no_other_regime_takes_that_answer()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var dsa = (await host.IssueAsync(provider, "EU-DSA-ART9", dueAt: host.Clock.GetUtcNow().AddDays(3))).GetProperty("orderId").GetString();
        var kr = (await host.IssueAsync(provider, "KR-TBA-22-5")).GetProperty("orderId").GetString();

        var answered = await host.PostAsync($"/api/v1/orders/{dsa}/no-effect", host.Provider(provider), new { reasons = "The content is lawful under the law of the Member State of establishment." });

        Assert.Equal(200, answered.Status);
        Assert.Equal("no_effect_given", answered.Str("status"));
        var history = (await host.GetAsync($"/api/v1/orders/{dsa}/history", host.Regulator)).Json;
        Assert.True(history.GetProperty("chainValid").GetBoolean());
        var last = history.GetProperty("events").EnumerateArray().Last();
        Assert.Equal("no_effect_given", last.GetProperty("type").GetString());
        Assert.Equal("The content is lawful under the law of the Member State of establishment.", last.GetProperty("reason").GetString());
        AssertProblem(await host.PostAsync($"/api/v1/orders/{kr}/no-effect", host.Provider(provider), new { reasons = "x" }), 409, "illegal-transition");
        AssertProblem(await host.PostAsync($"/api/v1/orders/{dsa}/no-effect", host.Provider(provider), new { reasons = "again" }), 409, "illegal-transition");
        AssertProblem(await host.PostAsync($"/api/v1/orders/{dsa}/no-effect", host.Commission, new { reasons = "x" }), 403, "forbidden");
        AssertProblem(await host.PostAsync($"/api/v1/orders/{kr}/no-effect", host.Provider(provider), new { }), 400, "validation-failed");

        var sla = (await host.GetAsync($"/api/v1/providers/{provider}/sla", host.Regulator)).Json;
        Assert.Equal(1, sla.GetProperty("noEffectGiven").GetInt32());
        Assert.Equal(0, sla.GetProperty("breached").GetInt32());
        var dsaLine = (await host.GetAsync($"/api/v1/providers/{provider}/transparency-report", host.Regulator)).Json.GetProperty("regimes").EnumerateArray().Single(r => r.GetProperty("legalBasis").GetString() == "EU-DSA-ART9");
        Assert.Equal(1, dsaLine.GetProperty("noEffectGiven").GetInt32());
        Assert.Equal(0, dsaLine.GetProperty("removed").GetInt32());
    }

    private static Task<Reply> IssueTco(ComplianceHost host, string provider, string authority) =>
        host.PostAsync("/api/v1/orders", host.Commission, ComplianceHost.WithNotice(new
        {
            providerId = provider,
            legalBasis = "EU-TCO",
            items = new[] { new { url = "https://v.example/" + Guid.NewGuid().ToString("N") } },
            reason = "Terrorist content",
            issuingAuthority = new { name = authority, country = "DE", contact = "orders@authority.example" },
        }));
}
