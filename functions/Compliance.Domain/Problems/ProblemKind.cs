namespace Compliance.Problems;

/// <summary>
/// Every way a request can be refused. The HTTP layer maps each kind to a status code and a stable
/// problem type URI; the domain only says what went wrong.
/// </summary>
public enum ProblemKind
{
    MalformedJson,
    ValidationFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    NotAcceptable,
    MissingIdempotencyKey,
    InvalidIdempotencyKey,
    IdempotencyKeyReused,
    IdempotentRequestInProgress,
    Unauthenticated,
    Forbidden,
    NotFound,
    UnknownRegime,
    UnknownProvider,
    ProviderExists,
    IllegalTransition,
    DeadlineNotAllowed,
    PreconditionFailed,
    ConcurrencyConflict,
    InvalidQuery,
    RouteNotFound,
    MethodNotAllowed,
    TooManyRequests,
    RegimeNotForVictims,
    NoBankMatch,
}

public static class ProblemKinds
{
    /// <summary>
    /// Refusals that say "not now" rather than "no": they are not the answer to the request, so they
    /// must never be kept as its idempotent outcome.
    /// </summary>
    public static bool IsTransient(this ProblemKind kind) => kind is ProblemKind.ConcurrencyConflict or ProblemKind.IdempotentRequestInProgress or ProblemKind.TooManyRequests;
}
