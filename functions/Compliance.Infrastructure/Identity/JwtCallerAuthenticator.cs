using System.Security.Claims;
using System.Text.RegularExpressions;
using Compliance.Access;
using Compliance.Problems;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Compliance.Infrastructure.Identity;

/// <summary>
/// Validates bearer JWTs for issuer, audience, lifetime (against <see cref="TimeProvider"/>) and
/// signature, and reads the Compliance role from <c>role</c> or Entra ID's <c>roles</c> claim.
/// </summary>
public sealed partial class JwtCallerAuthenticator : ICallerAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public JwtCallerAuthenticator(AuthOptions options, TimeProvider time)
    {
        if (string.IsNullOrEmpty(options.Issuer) || string.IsNullOrEmpty(options.Audience))
        {
            throw new InvalidOperationException("Auth:Issuer and Auth:Audience must be configured.");
        }

        if (string.IsNullOrEmpty(options.Authority) == string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Configure exactly one of Auth:Authority (Entra ID) and Auth:SigningKey (development).");
        }

        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } exp && now <= exp + options.ClockSkew && (notBefore is not { } nbf || now >= nbf - options.ClockSkew);
            },
        };
        if (options.SigningKey is { Length: > 0 } key)
        {
            _parameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(key));
            _parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            var metadata = options.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
            _parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }
    }

    public async Task<Caller> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated("A bearer token is required.");
        }

        var result = await _handler.ValidateTokenAsync(authorizationHeader[scheme.Length..].Trim(), _parameters);
        if (!result.IsValid)
        {
            throw Unauthenticated(result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "The bearer token has expired or is not yet valid.",
                SecurityTokenInvalidAudienceException => "The bearer token is for another audience.",
                SecurityTokenInvalidIssuerException => "The bearer token is from an untrusted issuer.",
                _ => "The bearer token is invalid.",
            });
        }

        var identity = result.ClaimsIdentity;
        var subject = identity.FindFirst("sub")?.Value ?? identity.FindFirst("oid")?.Value ?? throw Unauthenticated("The bearer token has no subject.");
        var roles = identity.FindAll("role").Concat(identity.FindAll("roles")).Select(c => c.Value).ToList();
        var role = roles.Count == 1 && Enum.TryParse<Role>(roles[0], ignoreCase: true, out var parsed) && parsed != Role.System
            ? parsed
            : throw ComplianceProblem.Forbidden("The bearer token must carry exactly one role: commission, provider, regulator or support.");
        string? providerId = null;
        if (role == Role.Provider)
        {
            providerId = identity.FindFirst("provider_id")?.Value;
            if (providerId is null || !ProviderIdPattern().IsMatch(providerId))
            {
                throw ComplianceProblem.Forbidden("A provider token must carry a valid provider_id claim.");
            }
        }

        return new Caller(role, subject, providerId);
    }

    private static ComplianceProblem Unauthenticated(string detail) => new(ProblemKind.Unauthenticated, detail);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex ProviderIdPattern();
}
