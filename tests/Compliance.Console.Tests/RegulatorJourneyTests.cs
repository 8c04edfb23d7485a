using Microsoft.Playwright;

namespace Compliance.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class RegulatorJourneyTests(ConsoleFixture console)
{
    [Fact]
    public async Task Regulator_sees_sla_charts_drills_into_an_orders_history_with_a_valid_chain_and_downloads_csv()
    {
        var providerId = await console.Host.RegisterProviderAsync();
        var removed = (await console.Host.IssueAsync(providerId)).GetProperty("orderId").GetString()!;
        var open = (await console.Host.IssueAsync(providerId)).GetProperty("orderId").GetString()!;
        var provider = console.Host.Provider(providerId);
        Assert.Equal(200, (await console.Host.PostAsync($"/api/v1/orders/{removed}/acknowledgement", provider, new { })).Status);
        Assert.Equal(200, (await console.Host.PostAsync($"/api/v1/orders/{removed}/confirmation", provider, new { removedAt = DateTimeOffset.UtcNow, action = "removed" })).Status);

        var page = await console.NewPageAsync();
        await ConsolePages.SignInAsync(page, "regulator", "inspector-2");
        await page.SelectOptionAsync("#sla-provider", providerId);
        await page.WaitForSelectorAsync($"main[data-loaded='{providerId}']");

        Assert.Equal("2", await page.InnerTextAsync("#sla-figures dd[data-figure=orders]"));
        Assert.Equal("1", await page.InnerTextAsync("#sla-figures dd[data-figure=removedOnTime]"));
        Assert.Equal("100%", await page.InnerTextAsync("#sla-figures dd[data-figure=onTimeRate]"));

        // Three Chart.js charts; this week's on-time rate is 100 %, the removal fell in the first hour's bucket.
        var onTime = await page.EvaluateAsync<double?[]>("Chart.getChart('chart-on-time').data.datasets[0].data");
        Assert.Equal(8, onTime.Length);
        Assert.Equal(100, onTime[^1]);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 0, 0 }, await page.EvaluateAsync<int[]>("Chart.getChart('chart-breaches').data.datasets[0].data"));
        Assert.Equal(new[] { 1, 0, 0, 0, 0, 0 }, await page.EvaluateAsync<int[]>("Chart.getChart('chart-removal').data.datasets[0].data"));

        await page.ClickAsync($"#provider-orders tr[data-order-id='{removed}'] button");
        await page.WaitForSelectorAsync("#history");
        Assert.Equal("chain-valid", await page.GetAttributeAsync("#chain-check", "class"));
        var history = await console.Host.GetAsync($"/api/v1/orders/{removed}/history", console.Host.Regulator);
        Assert.True(history.Json.GetProperty("chainValid").GetBoolean());
        Assert.Equal(history.Json.GetProperty("events").GetArrayLength(), await page.Locator("#history tbody tr").CountAsync());
        Assert.Equal(1, await page.Locator($"#provider-orders tr[data-order-id='{open}']").CountAsync());
        await ConsolePages.ScreenshotAsync(page, "regulator");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-csv"));
        Assert.Equal($"sla-{providerId}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        var fromApi = (await console.Host.GetAsync($"/api/v1/providers/{providerId}/sla", console.Host.Regulator, "text/csv")).Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fromApi[0].TrimEnd('\r'), csv[0]);
        Assert.StartsWith(providerId + ",", csv[1], StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_tampered_history_shows_the_chain_check_as_invalid()
    {
        var providerId = await console.Host.RegisterProviderAsync();
        var orderId = (await console.Host.IssueAsync(providerId)).GetProperty("orderId").GetString()!;
        var page = await console.NewPageAsync();
        await ConsolePages.SignInAsync(page, "regulator", "inspector-3");
        // The page shows what the API's chain check says: a history answered with chainValid false.
        await page.RouteAsync($"**/api/v1/orders/{orderId}/history", async route =>
        {
            var response = await route.FetchAsync();
            var body = (await response.TextAsync()).Replace("\"chainValid\":true", "\"chainValid\":false", StringComparison.Ordinal);
            await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = body });
        });
        await page.SelectOptionAsync("#sla-provider", providerId);
        await page.WaitForSelectorAsync($"main[data-loaded='{providerId}']");
        await page.ClickAsync($"#provider-orders tr[data-order-id='{orderId}'] button");

        await Assertions.Expect(page.Locator("#chain-check")).ToHaveClassAsync("chain-invalid");
        await page.Context.CloseAsync();
    }
}
