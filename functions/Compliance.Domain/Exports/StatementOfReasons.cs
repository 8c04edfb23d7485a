using System.Globalization;
using System.Text.Json.Serialization;
using Compliance.Media;
using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Exports;

/// <summary>
/// A statement of reasons in the DSA Transparency Database's own submission format
/// (<c>POST /api/v1/statement</c>), for an order the provider removed or disabled: field names,
/// enumeration keys, lengths and date formats are that database's. Free text carries no personal
/// data (DSA Art. 24(5)): only the order's reason, the regime's citation and the facts of the order.
/// </summary>
public sealed record StatementOfReasons(
    [property: JsonPropertyName("decision_visibility")] IReadOnlyList<string> DecisionVisibility,
    [property: JsonPropertyName("decision_ground")] string DecisionGround,
    [property: JsonPropertyName("illegal_content_legal_ground")] string IllegalContentLegalGround,
    [property: JsonPropertyName("illegal_content_explanation")] string IllegalContentExplanation,
    [property: JsonPropertyName("content_type")] IReadOnlyList<string> ContentType,
    [property: JsonPropertyName("content_type_other")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentTypeOther,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("category_specification")] IReadOnlyList<string> CategorySpecification,
    [property: JsonPropertyName("territorial_scope")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TerritorialScope,
    [property: JsonPropertyName("content_date")] string ContentDate,
    [property: JsonPropertyName("application_date")] string ApplicationDate,
    [property: JsonPropertyName("decision_facts")] string DecisionFacts,
    [property: JsonPropertyName("source_type")] string SourceType,
    [property: JsonPropertyName("source_identity")] string SourceIdentity,
    [property: JsonPropertyName("automated_detection")] string AutomatedDetection,
    [property: JsonPropertyName("automated_decision")] string AutomatedDecision,
    [property: JsonPropertyName("puid")] string Puid)
{
    public const int MaxLegalGround = 500;
    public const int MaxExplanation = 2000;
    public const int MaxFacts = 5000;

    /// <summary>Builds the statement; an order not removed or disabled has none (409 not-removed).</summary>
    public static StatementOfReasons For(TakedownOrder order, LegalRegime regime, IReadOnlyList<MediaRecord> media)
    {
        if (order is not { Status: OrderStatus.Removed, Removal: { } removal })
        {
            throw new ComplianceProblem(
                ProblemKind.IllegalTransition,
                $"A statement of reasons exists only for removed or disabled content; the order is '{OrderText.Status(order.Status)}'.",
                new Dictionary<string, object?> { ["currentStatus"] = OrderText.Status(order.Status) });
        }

        var visibility = removal.Action == RemovalAction.Removed ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_CONTENT_DISABLED";
        var types = ContentTypes(media);
        var facts = $"Order {order.OrderId} under {regime.Code}, issued by the competent authority on {Day(order.IssuedAt)} " +
            $"(deadline {(order.Clock.Basis == ClockBasis.Target ? "target" : "statutory")}), was complied with by {OrderText.Snake(removal.Action.ToString()).Replace('_', ' ')} " +
            $"on {Day(removal.ClaimedRemovedAt)}; the confirmation was received {(removal.Late ? "after" : "before")} the deadline.";
        return new StatementOfReasons(
            [visibility],
            "DECISION_GROUND_ILLEGAL_CONTENT",
            Cut(regime.Citation, MaxLegalGround),
            Cut(order.Reason, MaxExplanation),
            types,
            types.Contains("CONTENT_TYPE_OTHER") ? "Content at the URLs named in the order" : null,
            order.Notice.Category,
            order.Notice.Keywords,
            ScopeOf(order, regime),
            Day(order.IssuedAt),
            Day(removal.ClaimedRemovedAt),
            Cut(facts, MaxFacts),
            "SOURCE_TYPE_OTHER_NOTIFICATION",
            $"Removal order under {regime.Code}",
            "No",
            "AUTOMATED_DECISION_NOT_AUTOMATED",
            order.OrderId);
    }

    /// <summary>The kinds of the analysed evidence; declared AI generation adds synthetic media.</summary>
    private static List<string> ContentTypes(IReadOnlyList<MediaRecord> media)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var analysis in media.Select(m => m.Analysis).OfType<MediaAnalysis>().Where(a => a.Rejection is null))
        {
            if (analysis.Kind is { } kind)
            {
                types.Add(kind.IsVideo() ? "CONTENT_TYPE_VIDEO" : "CONTENT_TYPE_IMAGE");
            }

            if (analysis.Provenance?.AiDeclared == true)
            {
                types.Add("CONTENT_TYPE_SYNTHETIC_MEDIA");
            }
        }

        return types.Count == 0 ? ["CONTENT_TYPE_OTHER"] : [.. types];
    }

    /// <summary>
    /// The order's own scope where it names one (the database takes EEA codes only, so others are
    /// left out), else the whole Union for an EU regime.
    /// </summary>
    private static IReadOnlyList<string>? ScopeOf(TakedownOrder order, LegalRegime regime)
    {
        var own = order.Notice.TerritorialScope.Where(c => TransparencyDatabaseVocabulary.EuropeanUnion.Contains(c)).ToList();
        return own.Count > 0 ? own : regime.Jurisdiction == "EU" ? TransparencyDatabaseVocabulary.EuropeanUnion : null;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
