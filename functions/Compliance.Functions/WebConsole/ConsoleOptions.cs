namespace Compliance.Functions.WebConsole;

/// <summary>The console's sign-in with Microsoft Entra ID (MSAL in the browser), used when no development token endpoint answers.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The console's app registration (a single-page application).</summary>
    public string? ClientId { get; set; }

    /// <summary>e.g. https://login.microsoftonline.com/{tenant}.</summary>
    public string? Authority { get; set; }

    /// <summary>The API scope the console asks for, e.g. api://compliance/.default.</summary>
    public string[] Scopes { get; set; } = [];
}
