namespace Compliance.Providers;

/// <summary>A service provider that can receive takedown orders, registered by the commission.</summary>
public sealed record Provider(string Id, string Name, string Jurisdiction, string Contact, DateTimeOffset RegisteredAt);
