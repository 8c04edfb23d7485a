using Microsoft.Playwright;

namespace Compliance.Console.Tests;

/// <summary>What every journey does first: open a page and sign in through the role picker.</summary>
public static class ConsolePages
{
    public static async Task OpenAsync(IPage page, string route)
    {
        await page.GotoAsync("/#/" + route);
        await page.WaitForSelectorAsync("body[data-ready=true]");
    }

    /// <summary>Signs in with a development token minted by the local host, as a person would pick it.</summary>
    public static async Task SignInAsync(IPage page, string role, string subject, string? providerId = null)
    {
        await OpenAsync(page, role);
        await page.SelectOptionAsync("#dev-role", role);
        await page.FillAsync("#dev-subject", subject);
        if (providerId is not null)
        {
            await page.FillAsync("#dev-provider", providerId);
        }

        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("#sign-out:visible");
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>Drops files on a drop zone the way a browser does: a drop event carrying a DataTransfer.</summary>
    public static async Task DropFilesAsync(IPage page, string zoneSelector, params (string Name, string Type, byte[] Bytes)[] files)
    {
        var payload = files.Select(f => new { name = f.Name, type = f.Type, data = Convert.ToBase64String(f.Bytes) }).ToArray();
        var transfer = await page.EvaluateHandleAsync(
            """
            (files) => {
              const transfer = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, { type: f.type }));
              }
              return transfer;
            }
            """, payload);
        await page.DispatchEventAsync(zoneSelector, "drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }
}
