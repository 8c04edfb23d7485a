using System.Text.Json;
using Microsoft.Playwright;

namespace Compliance.Console.Tests;

/// <summary>
/// The console's PDQ (js/pdq.js), run in Chromium on the fixture PNGs, against the hashes Meta's
/// reference tool printed (tests/fixtures/pdq, from ../shared/fixtures/pdq).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BrowserPdqTests(ConsoleFixture console)
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "pdq");

    private sealed record BrowserHash(string[] Pdqs, int Quality);

    private static async Task<BrowserHash> HashInBrowserAsync(IPage page, string file)
    {
        var json = await page.EvaluateAsync<string>(
            """
            async ([name, data]) => {
              const { hashFile } = await import("/js/pdq.js");
              const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
              const result = await hashFile(new File([bytes], name, { type: "image/png" }));
              return JSON.stringify({ pdqs: result.pdqs, quality: result.quality });
            }
            """, new object[] { file, Convert.ToBase64String(await File.ReadAllBytesAsync(Path.Combine(Fixtures, "images", file))) });
        return JsonSerializer.Deserialize<BrowserHash>(json, Compliance.Api.Tests.ComplianceHost.Json)!;
    }

    public static TheoryData<string, string, int> PngRows()
    {
        var rows = new TheoryData<string, string, int>();
        foreach (var line in File.ReadLines(Path.Combine(Fixtures, "expected.csv")).Skip(1))
        {
            var cells = line.Split(',');
            if (cells[0].EndsWith(".png", StringComparison.Ordinal))
            {
                rows.Add(cells[0], cells[1], int.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(PngRows))]
    public async Task Every_fixture_png_hashes_bit_exactly_in_chromium(string file, string expectedPdq, int expectedQuality)
    {
        var page = await console.NewPageAsync();
        await ConsolePages.OpenAsync(page, "status");

        var hash = await HashInBrowserAsync(page, file);

        Assert.Equal(expectedPdq, hash.Pdqs[0]);
        Assert.Equal(expectedQuality, hash.Quality);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_eight_dihedral_hashes_of_camera_png_match_the_reference_in_its_order()
    {
        var expected = File.ReadLines(Path.Combine(Fixtures, "expected-dihedral.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(c => c[0] == "camera.png").Select(c => c[2]).ToArray();
        var page = await console.NewPageAsync();
        await ConsolePages.OpenAsync(page, "status");

        var hash = await HashInBrowserAsync(page, "camera.png");

        Assert.Equal(8, expected.Length);
        Assert.Equal(expected, hash.Pdqs);
        await page.Context.CloseAsync();
    }
}
