using System.Text;
using Compliance.Regimes;

namespace Compliance.Domain.Tests;

public sealed class RegimeCatalogTests
{
    [Fact]
    public void The_shipped_regime_file_defines_the_required_regimes_with_their_clocks()
    {
        var catalog = RegimeCatalog.Load(Path.Combine(AppContext.BaseDirectory, "regimes.json"));

        Assert.Equal(TimeSpan.FromHours(24), catalog.Find("KR-DEEPFAKE")!.Clock);
        Assert.Equal(TimeSpan.FromHours(1), catalog.Find("EU-TCO")!.Clock);
        Assert.Equal(TimeSpan.FromHours(48), catalog.Find("US-TAKE-IT-DOWN")!.Clock);
        Assert.Equal(TimeSpan.FromHours(24), catalog.Find("AU-OSA")!.Clock);
        Assert.Null(catalog.Find("EU-DSA-ART9")!.Clock);
        Assert.Equal(TimeSpan.FromDays(180), catalog.Find("EU-TCO")!.Preservation);
        Assert.Equal(ClockOnObjection.RestartsOnClarification, catalog.Find("EU-TCO")!.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal(ClockOnObjection.ResumesWhenGroundsCease, catalog.Find("EU-TCO")!.ClockOn(ObjectionGround.ForceMajeure));
        Assert.Equal(ClockOnObjection.KeepsRunning, catalog.Find("US-TAKE-IT-DOWN")!.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal("KR", catalog.Find("KR-DEEPFAKE")!.Jurisdiction);
        Assert.Null(catalog.Find("kr-deepfake"));
    }

    [Fact]
    public void A_new_regime_is_data_only()
    {
        var catalog = Parse("""{ "regimes": [ { "code": "DE-NETZDG", "jurisdiction": "DE", "citation": "NetzDG s 3", "clock": "P7D", "objections": { "manifest_error": "restarts_on_clarification" } } ] }""");

        var regime = catalog.Find("DE-NETZDG")!;
        Assert.Equal(TimeSpan.FromDays(7), regime.Clock);
        Assert.Equal(ClockOnObjection.RestartsOnClarification, regime.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal(ClockOnObjection.KeepsRunning, regime.ClockOn(ObjectionGround.ForceMajeure));
    }

    [Theory]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H" }, { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT2H" } ] }""", "defined twice")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "one hour" } ] }""", "not an ISO 8601 duration")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "objections": { "boredom": "keeps_running" } } ] }""", "unknown ObjectionGround 'boredom'")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "deadline": "PT1H" } ] }""", "not valid JSON")]
    [InlineData("""{ "regimes": [] }""", "defines no regimes")]
    public void A_broken_regime_file_is_refused_at_start_up(string json, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static RegimeCatalog Parse(string json) => RegimeCatalog.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");
}
