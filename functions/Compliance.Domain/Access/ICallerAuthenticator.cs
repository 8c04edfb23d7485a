namespace Compliance.Access;

/// <summary>Turns an HTTP Authorization header into a caller, or refuses it (401/403 problems).</summary>
public interface ICallerAuthenticator
{
    Task<Caller> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken);
}
