using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>Each notice carries its own fields, validated per regime, and they travel into the exports.</summary>
public sealed class NoticeTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Theory]
    [InlineData("EU-TCO", new[] { "issuingAuthority", "legalProvisions", "redress", "referenceNumber" })]
    [InlineData("EU-DSA-ART9", new[] { "issuingAuthority", "legalProvisions", "redress", "territorialScope" })]
    [InlineData("US-TAKE-IT-DOWN", new[] { "nonConsentStatement" })]
    [InlineData("AU-OSA", new[] { "complaintReference" })]
    public async Task A_notice_without_the_fields_its_regime_requires_is_refused_naming_each(string legalBasis, string[] missing)
    {
        var provider = await Host.RegisterProviderAsync();
        var dueAt = legalBasis == "EU-DSA-ART9" ? Host.Clock.GetUtcNow().AddDays(2) : (DateTimeOffset?)null;

        var reply = await Host.PostAsync("/api/v1/orders", Host.Commission, new { providerId = provider, legalBasis, items = new[] { new { url = "https://v.example/1" } }, reason = "r", dueAt });

        AssertProblem(reply, 400, "validation-failed");
        Assert.Equal(missing, reply.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Empty((await Host.GetAsync($"/api/v1/orders?providerId={provider}", Host.Commission)).Json.GetProperty("orders").EnumerateArray());
    }

    [Fact]
    public async Task The_notice_is_kept_as_given_shown_to_the_provider_and_filed_under_its_own_category()
    {
        var provider = await Host.RegisterProviderAsync();
        var issued = await Host.PostAsync("/api/v1/orders", Host.Commission, ComplianceHost.WithNotice(new
        {
            providerId = provider,
            legalBasis = "EU-DSA-ART9",
            items = new[] { new { url = "https://v.example/dsa" } },
            reason = "Non-consensual intimate deepfake",
            dueAt = Host.Clock.GetUtcNow().AddDays(2),
            category = "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
            keywords = new[] { "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE" },
            territorialScope = new[] { "DE", "AT", "KR" },
        }));
        Assert.Equal(201, issued.Status);
        var order = issued.Str("orderId");

        var seen = (await Host.GetAsync($"/api/v1/orders/{order}", Host.Provider(provider))).Json.GetProperty("notice");
        Assert.Equal("REF-2026-0042", seen.GetProperty("referenceNumber").GetString());
        Assert.Equal("DE", seen.GetProperty("issuingAuthority").GetProperty("country").GetString());
        Assert.Equal(["Art. 3(1)"], seen.GetProperty("legalProvisions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["DE", "AT", "KR"], seen.GetProperty("territorialScope").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("Administrative court, within one month of receipt", seen.GetProperty("redress").GetString());
        Assert.Equal("STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", seen.GetProperty("category").GetString());

        Assert.Equal(200, (await Host.PostAsync($"/api/v1/orders/{order}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "removed" })).Status);
        var statement = (await Host.GetAsync($"/api/v1/orders/{order}/statement-of-reasons", Host.Provider(provider))).Json;
        Assert.Equal("STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", statement.GetProperty("category").GetString());
        Assert.Equal(["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"], statement.GetProperty("category_specification").EnumerateArray().Select(k => k.GetString()));
        // The database takes EEA codes only: the order's own scope, less what it cannot file.
        Assert.Equal(["DE", "AT"], statement.GetProperty("territorial_scope").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Without_category_or_keywords_the_regime_defaults_apply_and_bad_values_are_refused()
    {
        var provider = await Host.RegisterProviderAsync();
        var kr = await Host.IssueAsync(provider, "KR-ICNA-44-7");
        Assert.Equal("STATEMENT_CATEGORY_CYBER_VIOLENCE", kr.GetProperty("notice").GetProperty("category").GetString());
        Assert.Equal(["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"], kr.GetProperty("notice").GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));

        var bad = await Host.PostAsync("/api/v1/orders", Host.Commission, ComplianceHost.WithNotice(new
        {
            providerId = provider,
            legalBasis = "EU-TCO",
            items = new[] { new { url = "https://v.example/1" } },
            reason = "r",
            category = "STATEMENT_CATEGORY_MADE_UP",
            keywords = new[] { "KEYWORD_TERRORIST_CONTENT", "KEYWORD_NOPE" },
            territorialScope = new[] { "de" },
            issuingAuthority = new { name = "Authority", country = "Germany" },
            nonConsentStatement = new { signedBy = "x" },
        }));
        AssertProblem(bad, 400, "validation-failed");
        Assert.Equal(["category", "issuingAuthority.country", "keywords[1]", "nonConsentStatement.contact", "nonConsentStatement.signedAt", "territorialScope[0]"], bad.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }
}
