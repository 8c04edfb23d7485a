namespace Compliance.Cases;

public interface ICaseStore
{
    /// <summary>Returns false when a case with this id exists already.</summary>
    Task<bool> TryCreateAsync(VictimCase victimCase, CancellationToken cancellationToken);

    Task<VictimCase?> FindAsync(string caseId, CancellationToken cancellationToken);

    Task SaveAsync(VictimCase victimCase, CancellationToken cancellationToken);

    /// <summary>Closed cases still holding personal data whose retention ended by <paramref name="now"/>.</summary>
    Task<IReadOnlyList<VictimCase>> DueForErasureAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

public interface IMatchReportStore
{
    /// <summary>Returns false when a report with this id exists already (a retry).</summary>
    Task<bool> TryAddAsync(MatchReport report, CancellationToken cancellationToken);

    Task<MatchReport?> FindAsync(string sourceKey, string reportId, CancellationToken cancellationToken);

    /// <summary>Every report on items of one case or order.</summary>
    Task<IReadOnlyList<MatchReport>> ForSourceAsync(string sourceKey, CancellationToken cancellationToken);

    /// <summary>Every report received in [from, to).</summary>
    Task<IReadOnlyList<MatchReport>> ReceivedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>
/// The secrets of cases: the victim's access code (derived from the case id with a key, so it is
/// never stored and a retried request gets the same code again) and encryption of personal data.
/// </summary>
public interface ICaseSecrets
{
    string AccessCode(string caseId);

    bool IsAccessCode(string caseId, string? presented);

    /// <summary>Encrypts personal data, bound to the case it belongs to.</summary>
    string Protect(string caseId, string plaintext);

    string Unprotect(string caseId, string protectedText);

    /// <summary>A keyed fingerprint of a request, so it cannot be inverted by guessing what was asked.</summary>
    string Fingerprint(string canonicalRequest);
}
