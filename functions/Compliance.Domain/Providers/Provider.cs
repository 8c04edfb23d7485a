namespace Compliance.Providers;

/// <summary>A service provider that can receive takedown orders, registered by the commission.</summary>
public sealed record Provider(string Id, string Name, string Jurisdiction, string Contact, DateTimeOffset RegisteredAt);

public static class ProviderIds
{
    /// <summary>The form every provider id takes (lower-case letters, digits, hyphens; 2 to 63 characters), as registration checks it.</summary>
    public static bool IsValid(string id) => Compliance.Application.RequestValidation.IsIdentifier(id);
}
