namespace Compliance.Regimes;

/// <summary>What an objection on a given ground does to the removal clock.</summary>
public enum ClockOnObjection
{
    /// <summary>The objection is recorded but the deadline stands.</summary>
    KeepsRunning,

    /// <summary>The clock stops; the commission's clarification starts the full clock again.</summary>
    RestartsOnClarification,

    /// <summary>The clock stops; it resumes with the time that was left once the grounds have ceased.</summary>
    ResumesWhenGroundsCease,
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
    TimeSpan Preservation,
    IReadOnlyDictionary<ObjectionGround, ClockOnObjection> Objections)
{
    public ClockOnObjection ClockOn(ObjectionGround ground) =>
        Objections.TryGetValue(ground, out var effect) ? effect : ClockOnObjection.KeepsRunning;
}
