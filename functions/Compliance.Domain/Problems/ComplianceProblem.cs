namespace Compliance.Problems;

/// <summary>
/// A refusal that the caller can act on. Thrown by domain and application code, turned into an
/// RFC 9457 problem document at the edge; never logged with request content.
/// </summary>
public sealed class ComplianceProblem : Exception
{
    public ComplianceProblem(ProblemKind kind, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        Kind = kind;
        Detail = detail;
        Extensions = extensions ?? new Dictionary<string, object?>();
    }

    public ProblemKind Kind { get; }

    public string Detail { get; }

    public IReadOnlyDictionary<string, object?> Extensions { get; }

    /// <summary>For a "not now" refusal: when to try again (sent as Retry-After).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ComplianceProblem NotFound(string what) => new(ProblemKind.NotFound, $"{what} was not found.");

    public static ComplianceProblem Forbidden(string detail) => new(ProblemKind.Forbidden, detail);

    public static ComplianceProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(ProblemKind.ValidationFailed, "The request has invalid or missing fields.",
            new Dictionary<string, object?> { ["errors"] = errors });
}
