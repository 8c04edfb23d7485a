namespace Compliance.Infrastructure.Identity;

/// <summary>
/// Bearer-token settings. In Azure: <see cref="Authority"/> (Microsoft Entra ID, whose signing keys
/// are discovered) and <see cref="Audience"/>. Locally: a development <see cref="SigningKey"/>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = string.Empty;

    public string Audience { get; set; } = string.Empty;

    /// <summary>OpenID Connect authority, e.g. https://login.microsoftonline.com/{tenant}/v2.0.</summary>
    public string? Authority { get; set; }

    /// <summary>Base64 HMAC key for development tokens; never set in Azure.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Refuses to start where the key everyone can read in this repository would let anyone mint
    /// commission tokens: in Azure (App Service sets WEBSITE_SITE_NAME) or any Production environment.
    /// </summary>
    public void RefuseDevelopmentKeyOutsideDevelopment(string? siteName, string? environment)
    {
        if (ProductionHost.Is(siteName, environment) && SigningKey == DevelopmentTokens.SigningKey)
        {
            throw new InvalidOperationException("Auth:SigningKey is the public development key; it is refused in production. Configure Auth:Authority (Entra ID) instead.");
        }
    }
}
