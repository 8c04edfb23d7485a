using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Compliance.Regimes;

/// <summary>
/// The legal regimes the commission may cite. Read once from a JSON document whose clocks are
/// ISO 8601 durations (<c>PT1H</c>) and whose preservation periods are calendar periods
/// (<c>P6M</c>, <c>P3Y</c>), so lawyers can review the file as written.
/// </summary>
public sealed class RegimeCatalog
{
    private readonly Dictionary<string, LegalRegime> _byCode;

    public RegimeCatalog(IEnumerable<LegalRegime> regimes)
    {
        _byCode = new Dictionary<string, LegalRegime>(StringComparer.Ordinal);
        foreach (var regime in regimes)
        {
            if (!_byCode.TryAdd(regime.Code, regime))
            {
                throw new InvalidOperationException($"Legal regime '{regime.Code}' is defined twice.");
            }
        }
    }

    public IReadOnlyCollection<LegalRegime> All => _byCode.Values;

    public LegalRegime? Find(string code) => _byCode.GetValueOrDefault(code);

    public static RegimeCatalog Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public static RegimeCatalog Parse(Stream json, string source)
    {
        RegimeFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, RegimeFileJson.Default.RegimeFile);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Regime file '{source}' is not valid JSON: {e.Message}", e);
        }

        if (file?.Regimes is not { Count: > 0 } entries)
        {
            throw new InvalidOperationException($"Regime file '{source}' defines no regimes.");
        }

        return new RegimeCatalog(entries.Select(e => ToRegime(e, source)));
    }

    private static LegalRegime ToRegime(RegimeEntry entry, string source)
    {
        if (string.IsNullOrWhiteSpace(entry.Code) || string.IsNullOrWhiteSpace(entry.Jurisdiction) || string.IsNullOrWhiteSpace(entry.Citation))
        {
            throw new InvalidOperationException($"Regime file '{source}': every regime needs code, jurisdiction and citation.");
        }

        var clock = entry.Clock is null ? (TimeSpan?)null : Duration(entry.Clock, entry.Code, "clock", source);
        var preservation = Period(entry.Preservation ?? throw new InvalidOperationException($"Regime file '{source}': {entry.Code}.preservation is required."), entry.Code, "preservation", source);

        var objections = new Dictionary<ObjectionGround, ClockOnObjection>();
        foreach (var (ground, effect) in entry.Objections ?? new Dictionary<string, string>())
        {
            objections[ParseName<ObjectionGround>(ground, entry.Code, source)] = ParseName<ClockOnObjection>(effect, entry.Code, source);
        }

        return new LegalRegime(entry.Code, entry.Jurisdiction, entry.Citation, clock, preservation, objections)
        {
            ClockBasis = entry.ClockBasis is null ? ClockBasis.Statutory : ParseName<ClockBasis>(entry.ClockBasis, entry.Code, source),
            LongerPeriodAllowed = entry.LongerPeriodAllowed ?? false,
            VictimRequests = entry.VictimRequests ?? false,
            NoEffectAnswer = entry.NoEffectAnswer ?? false,
            AdvanceInformation = entry.AdvanceInformation is { } advance ? Duration(advance, entry.Code, "advanceInformation", source) : null,
            RequiredNotice = (entry.Notice?.Required ?? []).Select(f => ParseName<Compliance.Orders.NoticeField>(f, entry.Code, source)).ToHashSet(),
            RecordsRetention = entry.RecordsRetention is { } retention ? Period(retention, entry.Code, "recordsRetention", source) : null,
            RequesterNoticeWithin = entry.RequesterNoticeWithin is { } notice ? Period(notice, entry.Code, "requesterNoticeWithin", source) : null,
            StatementCategory = Vocabulary(entry.Statement?.Category ?? "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", Compliance.Exports.TransparencyDatabaseVocabulary.Categories, entry.Code, source),
            StatementKeywords = (entry.Statement?.Keywords ?? []).Select(k => Vocabulary(k, Compliance.Exports.TransparencyDatabaseVocabulary.Keywords, entry.Code, source)).ToList(),
        };
    }

    private static string Vocabulary(string value, IReadOnlySet<string> allowed, string code, string source) =>
        allowed.Contains(value) ? value : throw new InvalidOperationException($"Regime file '{source}': {code} names '{value}', which the DSA Transparency Database does not accept.");

    private static CalendarPeriod Period(string iso, string code, string field, string source)
    {
        try
        {
            var period = CalendarPeriod.Parse(iso);
            return period.IsZero ? throw new FormatException("zero") : period;
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Regime file '{source}': {code}.{field} must be a positive ISO 8601 period such as P6M or P3Y, not '{iso}'.", e);
        }
    }

    private static TimeSpan Duration(string iso, string code, string field, string source)
    {
        TimeSpan value;
        try
        {
            value = XmlConvert.ToTimeSpan(iso);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"Regime file '{source}': {code}.{field} '{iso}' is not an ISO 8601 duration.", e);
        }

        return value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"Regime file '{source}': {code}.{field} must be positive.");
    }

    private static T ParseName<T>(string snake, string code, string source)
        where T : struct, Enum =>
        Enum.TryParse<T>(snake.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidOperationException($"Regime file '{source}': {code} names unknown {typeof(T).Name} '{snake}'.");

    internal sealed record RegimeFile(List<RegimeEntry>? Regimes);

    internal sealed record RegimeEntry(
        string Code,
        string Jurisdiction,
        string Citation,
        string? Clock,
        string? Preservation,
        Dictionary<string, string>? Objections,
        string? ClockBasis = null,
        bool? LongerPeriodAllowed = null,
        string? RecordsRetention = null,
        string? RequesterNoticeWithin = null,
        StatementDefaults? Statement = null,
        bool? VictimRequests = null,
        NoticeRules? Notice = null,
        bool? NoEffectAnswer = null,
        string? AdvanceInformation = null);

    /// <summary>What a notice under the regime must carry: field names as the API spells them.</summary>
    internal sealed record NoticeRules(List<string>? Required);

    /// <summary>Defaults for statements of reasons: the Transparency Database category and keywords.</summary>
    internal sealed record StatementDefaults(string? Category, List<string>? Keywords);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RegimeCatalog.RegimeFile))]
internal sealed partial class RegimeFileJson : JsonSerializerContext;
