using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Compliance.Console.Tests;

/// <summary>
/// Where no development token endpoint answers (the deployed app), the console signs in through MSAL
/// with the settings the app serves, and loads MSAL from the app itself, not from a CDN.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class EntraSignInTests(ConsoleFixture console)
{
    [Fact]
    public async Task Without_the_token_endpoint_the_console_signs_in_with_msal_served_by_the_app()
    {
        var page = await console.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        // As the deployed app answers: no /api/dev/tokens route, and Entra settings from configuration.
        await page.RouteAsync("**/api/dev/tokens", route => route.FulfillAsync(new RouteFulfillOptions { Status = 404, ContentType = "application/problem+json", Body = """{"type":"urn:compliance:problem:route-not-found","title":"No such endpoint","status":404}""" }));
        await page.RouteAsync("**/api/v1/console/settings", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{"clientId":"6f1c1f4e-0000-4000-8000-000000000001","authority":"https://login.microsoftonline.com/contoso.example","scopes":["api://compliance/.default"]}""",
        }));
        var toEntra = new ConcurrentQueue<string>();
        await page.RouteAsync("https://login.microsoftonline.com/**", route =>
        {
            toEntra.Enqueue(route.Request.Url);
            return route.AbortAsync();
        });

        await ConsolePages.OpenAsync(page, "commission");

        var button = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in with Microsoft" });
        await Assertions.Expect(button).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#dev-role").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("typeof window.msal.PublicClientApplication === 'function'"));
        Assert.Contains(requests, url => url == new Uri(console.BaseAddress, "/vendor/msal-browser.min.js").ToString());

        await button.ClickAsync();
        for (var i = 0; i < 100 && toEntra.IsEmpty; i++)
        {
            await page.WaitForTimeoutAsync(100);
        }

        // The sign-in goes to the configured tenant, for the configured client.
        var first = Assert.Single(toEntra.Take(1));
        Assert.StartsWith("https://login.microsoftonline.com/contoso.example/", first, StringComparison.Ordinal);
        Assert.Contains(toEntra, url => url.Contains("client_id=6f1c1f4e-0000-4000-8000-000000000001", StringComparison.Ordinal) || url.Contains("openid-configuration", StringComparison.Ordinal));

        // Nothing but the app and the tenant was asked for anything: no CDN.
        Assert.All(requests, url => Assert.True(url.StartsWith(console.BaseAddress.ToString(), StringComparison.Ordinal) || url.StartsWith("https://login.microsoftonline.com/", StringComparison.Ordinal), url));
        await page.Context.CloseAsync();
    }
}
