using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Compliance.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed partial class CommissionJourneyTests(ConsoleFixture console)
{
    [GeneratedRegex(@"^(\d+d )?\d\d:\d\d:\d\d$")]
    private static partial Regex Countdown();

    [Fact]
    public async Task Commission_issues_an_order_sees_its_countdown_and_uploads_evidence_by_drag_and_drop()
    {
        var page = await console.NewPageAsync();
        await ConsolePages.SignInAsync(page, "commission", "officer-7");

        // The regime picker shows each regime's clock and the notice fields it requires.
        await page.SelectOptionAsync("#regime", "EU-TCO");
        var info = await page.InnerTextAsync("#regime-info");
        Assert.Contains("01:00:00", info, StringComparison.Ordinal);
        Assert.Contains("Reference number, Issuing authority, Legal provisions, Redress", info, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#n-reference").CountAsync());
        await page.SelectOptionAsync("#regime", "KR-TBA-22-5");
        Assert.Contains("1d 00:00:00", await page.InnerTextAsync("#regime-info"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#n-reference").CountAsync());

        await page.SelectOptionAsync("#provider", "prov-b");
        await page.FillAsync("#item-url", "https://video.example/watch/console-1");
        await page.FillAsync("#order-reason", "Sexual deepfake of an identifiable person");
        await page.ClickAsync("#issue");
        await page.WaitForSelectorAsync("#manage");
        var orderId = (await page.InnerTextAsync("#manage-title")).Split(' ').Single(w => w.StartsWith("ord-", StringComparison.Ordinal));

        var stored = await console.Host.GetAsync($"/api/v1/orders/{orderId}", console.Host.Commission);
        Assert.Equal(200, stored.Status);
        Assert.Equal("prov-b", stored.Str("providerId"));
        Assert.Equal("KR-TBA-22-5", stored.Str("legalBasis"));
        Assert.Equal("https://video.example/watch/console-1", stored.Json.GetProperty("items")[0].GetProperty("url").GetString());

        // A live countdown in the open orders, counting down.
        var countdown = page.Locator($"#open-orders tr[data-order-id='{orderId}'] .countdown");
        await Assertions.Expect(countdown).ToHaveTextAsync(Countdown());
        var first = await countdown.InnerTextAsync();
        await Assertions.Expect(countdown).Not.ToHaveTextAsync(first, new LocatorAssertionsToHaveTextOptions { Timeout = 5000 });

        // Evidence dropped on the zone goes straight to the SAS URL; the app then knows the media.
        var png = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "pdq", "images", "moon.png"));
        await ConsolePages.DropFilesAsync(page, "#evidence .drop", ("moon.png", "image/png", png));
        await page.WaitForSelectorAsync("#evidence-list li");
        Assert.Equal(100, await page.EvaluateAsync<double>("document.querySelector('#evidence progress').value"));
        var mediaId = await page.GetAttributeAsync("#evidence-list li", "data-media-id");
        var media = await console.Host.GetAsync($"/api/v1/orders/{orderId}/media/{mediaId}", console.Host.Commission);
        Assert.Equal(200, media.Status);
        await ConsolePages.ScreenshotAsync(page, "commission");

        // Extend the deadline by a day, from the form.
        var dueAt = stored.Json.GetProperty("dueAt").GetDateTimeOffset();
        var later = dueAt.AddDays(1).ToLocalTime();
        await page.FillAsync("#extend-due", later.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("#extend-reason", "The provider asked for a day for a large account");
        await page.ClickAsync("#extend");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("The deadline was extended.");
        var extended = await console.Host.GetAsync($"/api/v1/orders/{orderId}", console.Host.Commission);
        Assert.Equal(dueAt.AddDays(1).ToUnixTimeSeconds() / 60, extended.Json.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeSeconds() / 60);

        await page.FillAsync("#withdraw-reason", "Issued to the wrong provider");
        await page.ClickAsync("#withdraw");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("The order was withdrawn.");
        Assert.Equal("withdrawn", (await console.Host.GetAsync($"/api/v1/orders/{orderId}", console.Host.Commission)).Str("status"));
        await Assertions.Expect(page.Locator($"#open-orders tr[data-order-id='{orderId}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Commission_answers_an_objection_and_a_refusal_shows_the_problem_title_and_detail()
    {
        var order = await console.Host.IssueAsync("prov-a");
        var orderId = order.GetProperty("orderId").GetString()!;
        var objected = await console.Host.PostAsync($"/api/v1/orders/{orderId}/objection", console.Host.Provider("prov-a"), new { ground = "insufficient_information", explanation = "Which of the two clips is meant?" });
        Assert.Equal(200, objected.Status);

        var page = await console.NewPageAsync();
        await ConsolePages.SignInAsync(page, "commission", "officer-8");
        await page.ClickAsync($"#open-orders tr[data-order-id='{orderId}'] button");
        Assert.Contains("Which of the two clips is meant?", await page.InnerTextAsync("#manage"), StringComparison.Ordinal);
        await page.FillAsync("#clarify-text", "The clip at 0:42, first upload");
        await page.ClickAsync("#clarify");
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("The objection was answered.");
        Assert.Equal("issued", (await console.Host.GetAsync($"/api/v1/orders/{orderId}", console.Host.Commission)).Str("status"));

        // Extending without a date is refused by the API; the console shows its problem.
        await page.ClickAsync($"#open-orders tr[data-order-id='{orderId}'] button");
        await page.FillAsync("#extend-reason", "no date");
        await page.ClickAsync("#extend");
        await Assertions.Expect(page.Locator("#problem")).ToBeVisibleAsync();
        Assert.StartsWith("Invalid or missing fields — ", await page.InnerTextAsync("#problem"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
