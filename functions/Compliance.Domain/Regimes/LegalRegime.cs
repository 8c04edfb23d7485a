namespace Compliance.Regimes;

/// <summary>What an objection on a given ground does to the removal clock.</summary>
public enum ClockOnObjection
{
    /// <summary>The objection is recorded but the deadline stands.</summary>
    KeepsRunning,

    /// <summary>The clock stops; the commission's clarification starts the full clock again.</summary>
    RestartsOnClarification,

    /// <summary>The clock stops; it resumes with the time that was left once the provider reports the grounds have ceased.</summary>
    ResumesWhenGroundsCease,

    /// <summary>
    /// The clock stops; the full period starts again once the provider reports the grounds have
    /// ceased (TCO Art. 3(7): the deadline "shall start to run as soon as the grounds ... have ceased").
    /// </summary>
    RestartsWhenGroundsCease,
}

/// <summary>Whether the regime's clock is the law's deadline or a target set by policy.</summary>
public enum ClockBasis
{
    /// <summary>A deadline in the statute: missing it is a breach of the law.</summary>
    Statutory,

    /// <summary>A government or regulator target (Korea's 24 hours): missing it is reported, as a missed target.</summary>
    Target,
}

public static class ClockOnObjectionRules
{
    /// <summary>Whether this effect is ended by the provider reporting that the grounds ceased, rather than by a clarification.</summary>
    public static bool EndsWhenGroundsCease(this ClockOnObjection effect) =>
        effect is ClockOnObjection.ResumesWhenGroundsCease or ClockOnObjection.RestartsWhenGroundsCease;
}

public enum ObjectionGround
{
    ForceMajeure,
    ManifestError,
    InsufficientInformation,
}

/// <summary>
/// A legal basis for takedown orders, loaded from configuration so that a new regime needs no code.
/// <see cref="Clock"/> is null where the order itself sets the deadline (e.g. DSA Art. 9).
/// </summary>
public sealed record LegalRegime(
    string Code,
    string Jurisdiction,
    string Citation,
    TimeSpan? Clock,
    CalendarPeriod Preservation,
    IReadOnlyDictionary<ObjectionGround, ClockOnObjection> Objections)
{
    public ClockBasis ClockBasis { get; init; } = ClockBasis.Statutory;

    /// <summary>The authority may allow more time than <see cref="Clock"/> (AU OSA s 77: "or such longer period as the Commissioner allows").</summary>
    public bool LongerPeriodAllowed { get; init; }

    /// <summary>How long report records and filtering logs must be kept (KR: three years).</summary>
    public CalendarPeriod? RecordsRetention { get; init; }

    /// <summary>
    /// Whether the victim, or a body acting for them, may make the request (KR TBA Art. 22-5, US TAKE
    /// IT DOWN): only such regimes take victim-support cases.
    /// </summary>
    public bool VictimRequests { get; init; }

    /// <summary>DSA Art. 9(1): the provider may answer that it gave the order no effect, with reasons.</summary>
    public bool NoEffectAnswer { get; init; }

    /// <summary>
    /// TCO Art. 3(2): an authority's first order to a provider needs information on procedures and
    /// deadlines this long before it (12 hours), save in emergencies; its absence is a warning on the order.
    /// </summary>
    public TimeSpan? AdvanceInformation { get; init; }

    /// <summary>By when the requester must be told the outcome (KR: 14 days).</summary>
    public CalendarPeriod? RequesterNoticeWithin { get; init; }

    /// <summary>The DSA Transparency Database category a statement of reasons for this regime's orders files under.</summary>
    public string StatementCategory { get; init; } = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE";

    /// <summary>Its keywords (category_specification) in that database's vocabulary.</summary>
    public IReadOnlyList<string> StatementKeywords { get; init; } = [];

    /// <summary>Notice fields an order under this regime must carry (e.g. TCO Annex I's reference and redress).</summary>
    public IReadOnlySet<Compliance.Orders.NoticeField> RequiredNotice { get; init; } = new HashSet<Compliance.Orders.NoticeField>();

    public ClockOnObjection ClockOn(ObjectionGround ground) =>
        Objections.TryGetValue(ground, out var effect) ? effect : ClockOnObjection.KeepsRunning;
}
