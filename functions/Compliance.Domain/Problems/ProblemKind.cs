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
}
