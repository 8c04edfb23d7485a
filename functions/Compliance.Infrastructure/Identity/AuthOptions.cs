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
}
