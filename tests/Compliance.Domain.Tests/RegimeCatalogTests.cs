using System.Text;
using Compliance.Regimes;

namespace Compliance.Domain.Tests;

public sealed class RegimeCatalogTests
{
    [Fact]
    public void The_shipped_regime_file_defines_the_required_regimes_with_their_clocks()
    {
        var catalog = RegimeCatalog.Load(Path.Combine(AppContext.BaseDirectory, "regimes.json"));

        Assert.Equal(TimeSpan.FromHours(24), catalog.Find("KR-TBA-22-5")!.Clock);
        Assert.Equal(TimeSpan.FromHours(1), catalog.Find("EU-TCO")!.Clock);
        Assert.Equal(TimeSpan.FromHours(48), catalog.Find("US-TAKE-IT-DOWN")!.Clock);
        Assert.Equal(TimeSpan.FromHours(24), catalog.Find("AU-OSA")!.Clock);
        Assert.Null(catalog.Find("EU-DSA-ART9")!.Clock);
        Assert.Equal(new CalendarPeriod(0, 6, 0), catalog.Find("EU-TCO")!.Preservation);
        Assert.Equal(ClockOnObjection.RestartsOnClarification, catalog.Find("EU-TCO")!.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal(ClockOnObjection.RestartsWhenGroundsCease, catalog.Find("EU-TCO")!.ClockOn(ObjectionGround.ForceMajeure));
        Assert.Equal(ClockOnObjection.KeepsRunning, catalog.Find("US-TAKE-IT-DOWN")!.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal("KR", catalog.Find("KR-TBA-22-5")!.Jurisdiction);
        Assert.Null(catalog.Find("kr-tba-22-5"));
        Assert.Null(catalog.Find("KR-DEEPFAKE"));
    }

    [Fact]
    public void The_regimes_say_what_the_texts_say()
    {
        var catalog = RegimeCatalog.Load(Path.Combine(AppContext.BaseDirectory, "regimes.json"));

        // Korea: two routes, both with a 24-hour government target rather than a statutory clock.
        foreach (var code in new[] { "KR-ICNA-44-7", "KR-TBA-22-5" })
        {
            var kr = catalog.Find(code)!;
            Assert.Equal(ClockBasis.Target, kr.ClockBasis);
            Assert.Equal(TimeSpan.FromHours(24), kr.Clock);
            Assert.Equal(new CalendarPeriod(3, 0, 0), kr.RecordsRetention);
        }

        Assert.Equal(new CalendarPeriod(0, 0, 14), catalog.Find("KR-TBA-22-5")!.RequesterNoticeWithin);
        Assert.Contains("44-7", catalog.Find("KR-ICNA-44-7")!.Citation, StringComparison.Ordinal);
        Assert.Contains("Media and Communications Commission", catalog.Find("KR-ICNA-44-7")!.Citation, StringComparison.Ordinal);
        Assert.All(catalog.All.Where(r => r.Jurisdiction != "KR"), r => Assert.Equal(ClockBasis.Statutory, r.ClockBasis));

        Assert.True(catalog.Find("AU-OSA")!.LongerPeriodAllowed);
        Assert.False(catalog.Find("EU-TCO")!.LongerPeriodAllowed);
        var dsa = catalog.Find("EU-DSA-ART9")!;
        Assert.All(Enum.GetValues<ObjectionGround>(), g => Assert.Equal(ClockOnObjection.KeepsRunning, dsa.ClockOn(g)));
        Assert.Equal(new CalendarPeriod(0, 0, 14), catalog.Find("US-TAKE-IT-DOWN")!.Preservation);

        // Requests by or for the victim: the KR deletion route and TAKE IT DOWN only; authorities' orders are not.
        Assert.Equal(["KR-TBA-22-5", "US-TAKE-IT-DOWN"], catalog.All.Where(r => r.VictimRequests).Select(r => r.Code).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("P6M", 0, 6, 0, "2026-08-31T12:00:00Z", "2027-02-28T12:00:00Z")]
    [InlineData("P3Y", 3, 0, 0, "2024-02-29T00:00:00Z", "2027-02-28T00:00:00Z")]
    [InlineData("P180D", 0, 0, 180, "2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z")]
    [InlineData("P1Y2M3D", 1, 2, 3, "2026-01-31T00:00:00Z", "2027-04-03T00:00:00Z")]
    public void Periods_are_calendar_periods(string iso, int years, int months, int days, string from, string until)
    {
        var period = CalendarPeriod.Parse(iso);

        Assert.Equal(new CalendarPeriod(years, months, days), period);
        Assert.Equal(DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture), period.AddTo(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(iso, period.ToString());
    }

    [Theory]
    [InlineData("P")]
    [InlineData("6M")]
    [InlineData("PT1H")]
    [InlineData("P-1D")]
    [InlineData("P6W")]
    public void A_malformed_period_is_refused(string iso) => Assert.Throws<FormatException>(() => CalendarPeriod.Parse(iso));

    [Fact]
    public void A_new_regime_is_data_only()
    {
        var catalog = Parse("""{ "regimes": [ { "code": "DE-NETZDG", "jurisdiction": "DE", "citation": "NetzDG s 3", "clock": "P7D", "preservation": "P6M", "objections": { "manifest_error": "restarts_on_clarification" } } ] }""");

        var regime = catalog.Find("DE-NETZDG")!;
        Assert.Equal(TimeSpan.FromDays(7), regime.Clock);
        Assert.Equal(ClockOnObjection.RestartsOnClarification, regime.ClockOn(ObjectionGround.ManifestError));
        Assert.Equal(ClockOnObjection.KeepsRunning, regime.ClockOn(ObjectionGround.ForceMajeure));
    }

    [Theory]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "P6M" }, { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT2H", "preservation": "P6M" } ] }""", "defined twice")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "one hour" } ] }""", "not an ISO 8601 duration")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "P6M", "objections": { "boredom": "keeps_running" } } ] }""", "unknown ObjectionGround 'boredom'")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "deadline": "PT1H" } ] }""", "not valid JSON")]
    [InlineData("""{ "regimes": [] }""", "defines no regimes")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "P6M", "statement": { "category": "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT" } } ] }""", "'STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT', which the DSA Transparency Database does not accept")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "P6M", "statement": { "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE", "keywords": ["KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE"] } } ] }""", "'KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE', which the DSA")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H" } ] }""", "A.preservation is required")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "six months" } ] }""", "A.preservation must be a positive ISO 8601 period")]
    [InlineData("""{ "regimes": [ { "code": "A", "jurisdiction": "X", "citation": "c", "clock": "PT1H", "preservation": "P6M", "clockBasis": "aspiration" } ] }""", "unknown ClockBasis 'aspiration'")]
    public void A_broken_regime_file_is_refused_at_start_up(string json, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static RegimeCatalog Parse(string json) => RegimeCatalog.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");
}
