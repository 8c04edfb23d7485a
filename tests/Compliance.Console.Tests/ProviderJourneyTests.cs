using Microsoft.Playwright;

namespace Compliance.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class ProviderJourneyTests(ConsoleFixture console)
{
    private async Task<string> StatusAsync(string orderId) =>
        (await console.Host.GetAsync($"/api/v1/orders/{orderId}", console.Host.Commission)).Str("status");

    [Fact]
    public async Task Provider_sees_its_inbox_by_deadline_and_acknowledges_confirms_and_objects_in_one_click_each()
    {
        var providerId = await console.Host.RegisterProviderAsync();
        var later = (await console.Host.IssueAsync(providerId, "KR-TBA-22-5")).GetProperty("orderId").GetString()!;
        var sooner = (await console.Host.IssueAsync(providerId, "EU-TCO")).GetProperty("orderId").GetString()!;
        var third = (await console.Host.IssueAsync(providerId, "US-TAKE-IT-DOWN")).GetProperty("orderId").GetString()!;
        var otherProviders = (await console.Host.IssueAsync("prov-a")).GetProperty("orderId").GetString()!;

        var page = await console.NewPageAsync();
        await ConsolePages.SignInAsync(page, "provider", "ts-analyst-1", providerId);

        // Earliest deadline first (TCO's hour, then 24 h, then 48 h); another provider's order is not there.
        var rows = page.Locator("#inbox tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        Assert.Equal([sooner, later, third], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.orderId)"));
        Assert.Equal(0, await page.Locator($"#inbox tr[data-order-id='{otherProviders}']").CountAsync());
        Assert.Equal("3", await page.InnerTextAsync("#own-sla dd[data-figure=orders]"));
        await ConsolePages.ScreenshotAsync(page, "provider");

        await page.ClickAsync($"#inbox tr[data-order-id='{sooner}'] button.ack");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("Acknowledged.");
        Assert.Equal("acknowledged", await StatusAsync(sooner));
        await Assertions.Expect(page.Locator($"#inbox tr[data-order-id='{sooner}'] .status")).ToHaveTextAsync("Acknowledged");

        await page.ClickAsync($"#inbox tr[data-order-id='{sooner}'] button.confirm");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("Removal confirmed.");
        Assert.Equal("removed", await StatusAsync(sooner));
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#own-sla dd[data-figure=removedOnTime]")).ToHaveTextAsync("1");

        await page.ClickAsync($"#inbox tr[data-order-id='{later}'] button.object");
        await page.SelectOptionAsync("#objection-ground", "manifest_error");
        await page.FillAsync("#objection-text", "The URL points to our help page, not to user content");
        await page.ClickAsync("#send-objection");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("Objection sent.");
        Assert.Equal("objected", await StatusAsync(later));
        var objection = (await console.Host.GetAsync($"/api/v1/orders/{later}", console.Host.Commission)).Json.GetProperty("objection");
        Assert.Equal("manifest_error", objection.GetProperty("ground").GetString());

        // A second acknowledgement is refused by the API; the console shows the problem's title and detail.
        // The inbox re-renders after the objection: wait for that, then enable and click in one step.
        await Assertions.Expect(page.Locator($"#inbox tr[data-order-id='{later}'] .status")).ToHaveTextAsync("Objected");
        await page.EvaluateAsync("id => { const b = document.querySelector(`#inbox tr[data-order-id='${id}'] button.ack`); b.disabled = false; b.click(); }", later);
        await Assertions.Expect(page.Locator("#problem")).ToBeVisibleAsync();
        Assert.StartsWith("Transition not allowed in the current state — ", await page.InnerTextAsync("#problem"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
