namespace Compliance.Infrastructure;

/// <summary>
/// Where the development keys in this repository (public to anyone) must be refused: in Azure (App
/// Service sets WEBSITE_SITE_NAME) or in any environment named Production.
/// </summary>
public static class ProductionHost
{
    public static bool Is(string? siteName, string? environment) =>
        !string.IsNullOrEmpty(siteName) || string.Equals(environment, "Production", StringComparison.OrdinalIgnoreCase);
}
