using Compliance.Problems;

namespace Compliance.Access;

/// <summary>An authenticated party. Providers always carry the provider id they act for.</summary>
public sealed record Caller(Role Role, string Subject, string? ProviderId)
{
    public static readonly Caller DeadlineSweep = new(Role.System, "deadline-sweep", null);

    /// <summary>Partition for per-caller state such as idempotency keys.</summary>
    public string Scope => Role == Role.Provider ? $"provider:{ProviderId}" : $"{Role.ToString().ToLowerInvariant()}:{Subject}";

    public void RequireRole(params Role[] allowed)
    {
        if (!allowed.Contains(Role))
        {
            throw ComplianceProblem.Forbidden($"The {Role.ToString().ToLowerInvariant()} role may not perform this action.");
        }
    }

    /// <summary>
    /// Providers see only their own data; for anything else the answer is "not found", so that one
    /// provider cannot learn which orders another provider received.
    /// </summary>
    public void RequireVisible(string ownerProviderId, string what)
    {
        if (Role == Role.Provider && !string.Equals(ProviderId, ownerProviderId, StringComparison.Ordinal))
        {
            throw ComplianceProblem.NotFound(what);
        }
    }
}
