using Microsoft.Playwright;

namespace Compliance.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SupportJourneyTests(ConsoleFixture console)
{
    private static readonly string Images = Path.Combine(AppContext.BaseDirectory, "fixtures", "pdq", "images");

    [Fact]
    public async Task Support_centre_drops_a_png_hashed_in_the_browser_opens_a_case_and_the_victim_checks_its_status()
    {
        var expected = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "pdq", "expected.csv"))
            .Select(l => l.Split(',')).Single(c => c[0] == "camera.png")[1];
        var page = await console.NewPageAsync();
        var uploads = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                uploads.Add(request.PostData ?? string.Empty);
            }
        };
        await ConsolePages.SignInAsync(page, "support", "centre-1");

        await ConsolePages.DropFilesAsync(page, "main .drop", ("camera.png", "image/png", await File.ReadAllBytesAsync(Path.Combine(Images, "camera.png"))));
        await Assertions.Expect(page.Locator("#hash-list [data-pdq]")).ToHaveTextAsync(expected);
        await page.SelectOptionAsync("#loc-provider-1", "prov-a");
        await page.FillAsync("#loc-url-1", "https://a.example/v/console-case");
        await page.ClickAsync("#open-case");
        await page.WaitForSelectorAsync("#access-code");
        var caseId = await page.InnerTextAsync("#case-id");
        var code = await page.InnerTextAsync("#access-code");
        await ConsolePages.ScreenshotAsync(page, "support");

        // Only hashes left the browser: the case request carries the eight PDQs and no image bytes.
        var sent = uploads.Single(u => u.Contains("\"legalBasis\"", StringComparison.Ordinal));
        Assert.Contains(expected, sent, StringComparison.Ordinal);
        Assert.True(sent.Length < 4096, $"the case request is {sent.Length} characters");
        Assert.DoesNotContain(uploads, u => u.Length > 4096);

        // The hash the browser computed is in the bank: a provider's lookup with the reference hash finds it.
        var lookup = await console.Host.PostAsync("/api/v1/hashbank/lookup", console.Host.Provider("prov-b"), new { pdq = expected }, idempotencyKey: null);
        Assert.Equal(200, lookup.Status);
        var match = lookup.Json.GetProperty("matches").EnumerateArray().Single(m => m.GetProperty("bank").GetString() == "victim-requests" && m.GetProperty("distance").GetInt32() == 0);
        Assert.Equal("original", match.GetProperty("transform").GetString());

        // The victim, signed out, with the case id and code.
        await page.ClickAsync("#sign-out");
        await ConsolePages.OpenAsync(page, "status");
        await page.FillAsync("#status-case", caseId);
        await page.FillAsync("#status-code", code);
        await page.ClickAsync("#check-status");
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("Open");
        Assert.Equal(["prov-a"], await page.Locator("#status-result tbody tr td:first-child").AllInnerTextsAsync());
        Assert.Equal("Issued", await page.InnerTextAsync("#status-result tbody tr .status"));
        await ConsolePages.ScreenshotAsync(page, "status");

        // A wrong code is the API's 404, shown as its problem.
        await page.FillAsync("#status-code", "AAAAA-AAAAA-AAAAA-AAAAA");
        await page.ClickAsync("#check-status");
        await Assertions.Expect(page.Locator("#problem")).ToBeVisibleAsync();
        Assert.StartsWith("Not found — ", await page.InnerTextAsync("#problem"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
