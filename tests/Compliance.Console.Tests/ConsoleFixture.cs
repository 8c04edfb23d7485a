using Compliance.Api.Tests;
using Microsoft.Playwright;

namespace Compliance.Console.Tests;

/// <summary>
/// One local host (real clock, demo providers prov-a and prov-b) and one headless Chromium for the
/// whole collection: starting them once keeps the browser tests to a few seconds each.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package (infra/lib.sh installs it); Playwright never downloads a browser.</summary>
    public const string ChromiumPath = "/usr/lib/chromium/chromium";

    private IPlaywright? _playwright;

    public ComplianceHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => Host.Http.BaseAddress!;

    /// <summary>Screenshots a person can look at, kept beside the test binaries.</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        Host = await ComplianceHost.StartAsync(false, null, "--LocalHost:SeedDemoProviders", "true");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A fresh page (own storage, so no session carries over) at the given width and locale.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-GB", int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
