using System.Text.Json;
using System.Text.RegularExpressions;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>
/// The statement of reasons checked against the DSA Transparency Database's own submission rules
/// (StatementStoreRequest.php at commit 69e80a0b), written out here independently of the code under test.
/// </summary>
public sealed class StatementOfReasonsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly string[] Visibilities = ["DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER"];
    private static readonly string[] ContentTypes = ["CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"];
    private static readonly string[] SourceTypes = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"];
    private static readonly string[] Eea = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"];

    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task A_removed_TCO_order_gives_a_statement_the_database_accepts()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString()!;
        var removedAt = Host.Clock.GetUtcNow();
        await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt, action = "removed" });

        var reply = await Host.GetAsync($"/api/v1/orders/{orderId}/statement-of-reasons", Host.Provider(provider));

        Assert.Equal(200, reply.Status);
        var s = reply.Json;
        AssertAcceptedByTheDatabase(s);
        Assert.Equal(["DECISION_VISIBILITY_CONTENT_REMOVED"], Strings(s, "decision_visibility"));
        Assert.Equal("DECISION_GROUND_ILLEGAL_CONTENT", s.GetProperty("decision_ground").GetString());
        Assert.Equal("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", s.GetProperty("category").GetString());
        Assert.Equal(["KEYWORD_TERRORIST_CONTENT"], Strings(s, "category_specification"));
        Assert.Equal(27, s.GetProperty("territorial_scope").GetArrayLength());
        Assert.Equal("SOURCE_TYPE_OTHER_NOTIFICATION", s.GetProperty("source_type").GetString());
        Assert.Equal(orderId, s.GetProperty("puid").GetString());
        Assert.Equal(removedAt.UtcDateTime.ToString("yyyy-MM-dd"), s.GetProperty("application_date").GetString());
        Assert.Equal(["CONTENT_TYPE_OTHER"], Strings(s, "content_type"));
        Assert.Equal("Sexual deepfake of an identifiable person", s.GetProperty("illegal_content_explanation").GetString());
        Assert.Equal(200, (await Host.GetAsync($"/api/v1/orders/{orderId}/statement-of-reasons", Host.Regulator)).Status);
        var other = await Host.RegisterProviderAsync();
        AssertProblem(await Host.GetAsync($"/api/v1/orders/{orderId}/statement-of-reasons", Host.Provider(other)), 404, "not-found");
    }

    [Fact]
    public async Task A_geo_blocked_Korean_order_is_disabled_content_with_no_EU_scope_and_the_deepfake_keyword()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider, "KR-TBA-22-5")).GetProperty("orderId").GetString()!;
        await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "geo_blocked" });

        var s = (await Host.GetAsync($"/api/v1/orders/{orderId}/statement-of-reasons", Host.Commission)).Json;

        AssertAcceptedByTheDatabase(s);
        Assert.Equal(["DECISION_VISIBILITY_CONTENT_DISABLED"], Strings(s, "decision_visibility"));
        Assert.Equal("STATEMENT_CATEGORY_CYBER_VIOLENCE", s.GetProperty("category").GetString());
        Assert.Contains("KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE", Strings(s, "category_specification"));
        Assert.False(s.TryGetProperty("territorial_scope", out _));
        Assert.Contains("(deadline target)", s.GetProperty("decision_facts").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_not_yet_removed_has_no_statement()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString()!;

        var reply = await Host.GetAsync($"/api/v1/orders/{orderId}/statement-of-reasons", Host.Regulator);

        AssertProblem(reply, 409, "illegal-transition");
        Assert.Equal("issued", reply.Json.GetProperty("currentStatus").GetString());
    }

    /// <summary>The database's required-field, enumeration, length and format rules, one by one.</summary>
    private static void AssertAcceptedByTheDatabase(JsonElement s)
    {
        var visibility = Strings(s, "decision_visibility");
        Assert.NotEmpty(visibility);
        Assert.All(visibility, v => Assert.Contains(v, Visibilities));
        Assert.Contains(s.GetProperty("decision_ground").GetString(), new[] { "DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT" });
        Assert.InRange(s.GetProperty("illegal_content_legal_ground").GetString()!.Length, 1, 500);
        Assert.InRange(s.GetProperty("illegal_content_explanation").GetString()!.Length, 1, 2000);
        var types = Strings(s, "content_type");
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.Contains(t, ContentTypes));
        if (types.Contains("CONTENT_TYPE_OTHER"))
        {
            Assert.InRange(s.GetProperty("content_type_other").GetString()!.Length, 1, 500);
        }

        Assert.StartsWith("STATEMENT_CATEGORY_", s.GetProperty("category").GetString(), StringComparison.Ordinal);
        Assert.All(Strings(s, "category_specification"), k => Assert.StartsWith("KEYWORD_", k, StringComparison.Ordinal));
        if (s.TryGetProperty("territorial_scope", out var scope))
        {
            Assert.All(scope.EnumerateArray(), c => Assert.Contains(c.GetString(), Eea));
        }

        foreach (var (field, earliest) in new[] { ("content_date", "2000-01-01"), ("application_date", "2020-01-01") })
        {
            var date = s.GetProperty(field).GetString()!;
            Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", date);
            Assert.InRange(string.CompareOrdinal(date, earliest), 0, int.MaxValue);
            Assert.InRange(string.CompareOrdinal(date, "2038-01-01"), int.MinValue, 0);
        }

        Assert.InRange(s.GetProperty("decision_facts").GetString()!.Length, 1, 5000);
        Assert.Contains(s.GetProperty("source_type").GetString(), SourceTypes);
        Assert.InRange(s.GetProperty("source_identity").GetString()!.Length, 0, 500);
        Assert.Contains(s.GetProperty("automated_detection").GetString(), new[] { "Yes", "No" });
        Assert.Contains(s.GetProperty("automated_decision").GetString(), new[] { "AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED" });
        var puid = s.GetProperty("puid").GetString()!;
        Assert.Matches(new Regex("^[a-zA-Z0-9-_]+$"), puid);
        Assert.InRange(puid.Length, 1, 500);
        var allowed = new HashSet<string> { "decision_visibility", "decision_ground", "illegal_content_legal_ground", "illegal_content_explanation", "content_type", "content_type_other", "category", "category_specification", "territorial_scope", "content_date", "application_date", "decision_facts", "source_type", "source_identity", "automated_detection", "automated_decision", "puid" };
        Assert.All(s.EnumerateObject(), p => Assert.Contains(p.Name, allowed));
    }

    private static List<string> Strings(JsonElement s, string name) => s.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();
}
