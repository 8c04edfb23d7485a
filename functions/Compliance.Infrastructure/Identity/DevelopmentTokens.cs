using System.Security.Claims;
using Compliance.Access;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Compliance.Infrastructure.Identity;

/// <summary>
/// Tokens for local runs and tests, signed with a well-known development key in the way Azurite
/// has a well-known account key: it protects nothing and is refused wherever an Authority is set.
/// </summary>
public static class DevelopmentTokens
{
    public const string Issuer = "https://compliance.local/dev";
    public const string Audience = "api://compliance";
    public const string SigningKey = "Y29tcGxpYW5jZS1kZXZlbG9wbWVudC1zaWduaW5nLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";

    public static AuthOptions Options() => new() { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey };

    public static string Create(Role role, string? providerId, string subject, DateTimeOffset now, TimeSpan lifetime, string signingKey = SigningKey)
    {
        var claims = new List<Claim> { new("sub", subject), new("role", role.ToString().ToLowerInvariant()) };
        if (providerId is not null)
        {
            claims.Add(new Claim("provider_id", providerId));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
