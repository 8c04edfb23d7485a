using System.Text.Json;
using Compliance.Cli;

namespace Compliance.Api.Tests;

public sealed class CliTests
{
    private static string Fixture(params string[] path) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. path]);

    [Fact]
    public async Task Hash_prints_the_pdq_quality_and_path_the_pipeline_stores()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var camera = Fixture("pdq", "images", "camera.png");
        var moon = Fixture("pdq", "images", "moon.png");

        var exit = await ComplianceCli.RunAsync(["hash", camera, moon], output, errors);

        Assert.Equal(0, exit);
        Assert.Equal(
            [$"dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c7 100 {camera}", $"131645cde366d981e1e371b264d8b25b9e4d13771d8c4f366d946ca57133d0c9 83 {moon}"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task Hash_with_dihedral_prints_the_eight_hashes_of_Meta_reference()
    {
        var output = new StringWriter();
        var camera = Fixture("pdq", "images", "camera.png");

        var exit = await ComplianceCli.RunAsync(["hash", "--dihedral", camera], output, new StringWriter());

        Assert.Equal(0, exit);
        var reference = File.ReadLines(Fixture("pdq", "expected-dihedral.csv")).Skip(1).Select(l => l.Split(',')).Where(r => r[0] == "camera.png").ToDictionary(r => r[1], r => r[2]);
        var names = new Dictionary<string, string>
        {
            ["original"] = "orig", ["rotate90"] = "rot90", ["rotate180"] = "rot180", ["rotate270"] = "rot270",
            ["flip_x"] = "flipx", ["flip_y"] = "flipy", ["flip_plus1"] = "flipp", ["flip_minus1"] = "flipm",
        };
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        Assert.Equal(names.Keys, lines.Select(l => l[3]));
        Assert.All(lines, l => Assert.Equal(reference[names[l[3]]], l[0]));
        Assert.All(lines, l => Assert.Equal("100", l[1]));
    }

    [Fact]
    public async Task Bank_query_reads_mih_query_files_and_prints_every_match_within_the_distance()
    {
        var dir = Directory.CreateTempSubdirectory("bank-query-");
        try
        {
            var reference = File.ReadLines(Fixture("pdq", "expected.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            var haystack = Path.Combine(dir.FullName, "haystack.txt");
            File.WriteAllLines(haystack, reference.Select(r => $"{r[1]},{r[0]}"));
            var camera = reference.Single(r => r[0] == "camera.png")[1];
            var nearCamera = camera[..^1] + (Convert.ToInt32(camera[^1].ToString(), 16) ^ 1).ToString("x");
            var needles = Path.Combine(dir.FullName, "needles.txt");
            File.WriteAllLines(needles, [nearCamera, new string('0', 64)]);
            var output = new StringWriter();

            var exit = await ComplianceCli.RunAsync(["bank", "query", "--haystack", haystack, "--needles", needles, "--max-distance", "40"], output, new StringWriter());

            // Expected by brute force over the same files.
            var expected = new List<string>();
            foreach (var needle in new[] { nearCamera, new string('0', 64) })
            {
                Assert.True(Compliance.Detection.Hashing.PdqHash.TryParse(needle, out var n));
                expected.AddRange(reference
                    .Select(r => (Row: r, Distance: Compliance.Detection.Hashing.PdqHash.TryParse(r[1], out var h) ? h.DistanceTo(n) : -1))
                    .Where(x => x.Distance <= 40)
                    .OrderBy(x => x.Distance)
                    .ThenBy(x => reference.IndexOf(x.Row))
                    .Select(x => $"{needle},{x.Row[1]},{x.Distance},{x.Row[0]}"));
            }

            Assert.Equal(0, exit);
            Assert.Contains($"{nearCamera},{camera},1,camera.png", expected);
            Assert.Equal(expected, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Hash_reports_files_that_are_not_images_and_fails()
    {
        var errors = new StringWriter();

        var exit = await ComplianceCli.RunAsync(["hash", Fixture("pdq", "README.md")], new StringWriter(), errors);

        Assert.Equal(1, exit);
        Assert.Contains("not a decodable image", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_prints_the_full_analysis_as_json()
    {
        var output = new StringWriter();

        var exit = await ComplianceCli.RunAsync(["detect", Fixture("faces", "astronaut.png")], output, new StringWriter());

        Assert.Equal(0, exit);
        using var analysis = JsonDocument.Parse(output.ToString());
        Assert.Equal("png", analysis.RootElement.GetProperty("kind").GetString());
        var face = Assert.Single(analysis.RootElement.GetProperty("faces").EnumerateArray());
        Assert.InRange(face.GetProperty("score").GetDouble(), 0.88, 0.96);
        Assert.Equal(64, analysis.RootElement.GetProperty("hashes")[0].GetProperty("pdq").GetString()!.Length);
    }
}
