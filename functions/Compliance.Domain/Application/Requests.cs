namespace Compliance.Application;

// Request bodies as received: every field nullable so that a missing field is reported by name
// instead of failing deserialisation as a whole.
/// <param name="Reason">The notice's statement of reasons.</param>
public sealed record IssueOrderRequest(
    string? ProviderId,
    string? LegalBasis,
    IReadOnlyList<OrderItemRequest?>? Items,
    string? Reason,
    DateTimeOffset? DueAt,
    string? ReferenceNumber = null,
    IssuingAuthorityRequest? IssuingAuthority = null,
    IReadOnlyList<string?>? LegalProvisions = null,
    IReadOnlyList<string?>? TerritorialScope = null,
    string? Redress = null,
    string? Category = null,
    IReadOnlyList<string?>? Keywords = null,
    NonConsentStatementRequest? NonConsentStatement = null,
    string? ComplaintReference = null);

public sealed record IssuingAuthorityRequest(string? Name, string? Country, string? Contact);

public sealed record NonConsentStatementRequest(string? SignedBy, DateTimeOffset? SignedAt, string? Contact);

public sealed record OrderItemRequest(string? Url, string? Description);

public sealed record AcknowledgementRequest(string? Note);

public sealed record ConfirmationRequest(DateTimeOffset? RemovedAt, string? Action, string? Evidence);

public sealed record ObjectionRequest(string? Ground, string? Explanation);

public sealed record WithdrawalRequest(string? Reason);

public sealed record ExtensionRequest(DateTimeOffset? DueAt, string? Reason);

public sealed record ClarificationRequest(string? Explanation);

public sealed record GroundsCeasedRequest(string? Explanation);

public sealed record NoEffectRequest(string? Reasons);

/// <param name="Authority">The authority's name as its orders' notices give it (issuingAuthority.name).</param>
public sealed record AdvanceInformationRequest(string? LegalBasis, string? Authority, DateTimeOffset? InformedAt, string? Note);

public sealed record RegisterProviderRequest(string? Id, string? Name, string? Jurisdiction, string? Contact);

/// <summary>A body with no fields, for commands whose path says everything (an empty body is accepted too).</summary>
public sealed record EmptyRequest;

/// <param name="Hashes">Each item one of: <c>pdq</c> (with its eight transforms as <c>pdqs</c> instead, if known), <c>md5</c>, or <c>frames</c> (a video's PDQ per second).</param>
public sealed record OpenCaseRequest(string? LegalBasis, IReadOnlyList<CaseHashRequest?>? Hashes, IReadOnlyList<CaseLocationRequest?>? Locations, string? Note, string? Contact);

public sealed record CaseHashRequest(string? Pdq, IReadOnlyList<string?>? Pdqs, string? Md5, IReadOnlyList<string?>? Frames, int? Quality);

public sealed record CaseLocationRequest(string? ProviderId, string? Url);

public sealed record CloseCaseRequest(string? Reason);

/// <param name="Pdq">The hash of the upload the filter acted on; or name the banked item by <paramref name="EntryId"/>.</param>
public sealed record MatchReportRequest(string? Pdq, string? EntryId, string? Action, DateTimeOffset? At);
