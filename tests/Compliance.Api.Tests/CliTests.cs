using System.Text.Json;
using Compliance.Cli;

namespace Compliance.Api.Tests;

public sealed class CliTests
{
    private static string Fixture(params string[] path) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. path]);

    [Fact]
    public void Hash_prints_the_pdq_quality_and_path_the_pipeline_stores()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var camera = Fixture("pdq", "images", "camera.png");
        var moon = Fixture("pdq", "images", "moon.png");

        var exit = MediaCommands.Hash(CommandLine.Parse(["hash", camera, moon]), output, errors);

        Assert.Equal(0, exit);
        Assert.Equal(
            [$"dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c7 100 {camera}", $"131645cde366d981e1e371b264d8b25b9e4d13771d8c4f366d946ca57133d0c9 83 {moon}"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public void Hash_reports_files_that_are_not_images_and_fails()
    {
        var errors = new StringWriter();

        var exit = MediaCommands.Hash(CommandLine.Parse(["hash", Fixture("pdq", "README.md")]), new StringWriter(), errors);

        Assert.Equal(1, exit);
        Assert.Contains("not a decodable image", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_prints_the_full_analysis_as_json()
    {
        var output = new StringWriter();

        var exit = await MediaCommands.DetectAsync(CommandLine.Parse(["detect", Fixture("faces", "astronaut.png")]), output);

        Assert.Equal(0, exit);
        using var analysis = JsonDocument.Parse(output.ToString());
        Assert.Equal("png", analysis.RootElement.GetProperty("kind").GetString());
        var face = Assert.Single(analysis.RootElement.GetProperty("faces").EnumerateArray());
        Assert.InRange(face.GetProperty("score").GetDouble(), 0.88, 0.96);
        Assert.Equal(64, analysis.RootElement.GetProperty("hashes")[0].GetProperty("pdq").GetString()!.Length);
    }
}
