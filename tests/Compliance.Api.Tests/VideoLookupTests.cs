using System.Diagnostics;
using Azure.Storage.Blobs;
using Compliance.Cli;
using Compliance.Detection.Hashing;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>
/// Video from hashes alone: an ordered video is banked frame by frame through the real pipeline
/// (SAS upload, blob trigger, ffmpeg); a provider hashes its upload's frames and looks them up.
/// </summary>
public sealed class VideoLookupTests(VideoLookupTests.Fixture fixture) : IClassFixture<VideoLookupTests.Fixture>
{
    private const double QueryShareThreshold = 0.8;
    private const double BankedShareThreshold = 0.5;

    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task A_trimmed_downscaled_re_encoded_copy_matches_by_both_shares_and_an_unrelated_video_does_not()
    {
        var (order, banked) = (fixture.Order, fixture.BankedFrames);

        // A sixth cut off the start, 75 % size, re-encoded at low quality: what a re-uploader does.
        var copy = await FfmpegAsync("-ss", "2", "-i", fixture.OriginalPath, "-vf", "scale=240:180", "-c:v", "libx264", "-crf", "32", "-pix_fmt", "yuv420p");
        var query = await ProviderSideFramesAsync(copy);
        Assert.Equal(10, query.Count);

        var reply = await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = query }, idempotencyKey: null);
        Assert.Equal(200, reply.Status);
        var match = Assert.Single(reply.Json.GetProperty("matches").EnumerateArray());
        Assert.Equal(order, match.GetProperty("orderId").GetString());

        // Both shares are the bank's arithmetic: recompute them from the hashes independently.
        var (queryMatched, bankedMatched) = Shares(query, banked);
        Assert.Equal(queryMatched, match.GetProperty("queryFramesMatched").GetInt32());
        Assert.Equal(10, match.GetProperty("queryFrames").GetInt32());
        Assert.Equal(bankedMatched, match.GetProperty("bankedFramesMatched").GetInt32());
        Assert.Equal(12, match.GetProperty("bankedFrames").GetInt32());
        Assert.Equal(Math.Round(queryMatched / 10.0, 4), match.GetProperty("queryMatchShare").GetDouble());
        Assert.Equal(Math.Round(bankedMatched / 12.0, 4), match.GetProperty("bankedMatchShare").GetDouble());
        Assert.True(queryMatched / 10.0 >= QueryShareThreshold && bankedMatched / 12.0 >= BankedShareThreshold, $"copy scored {queryMatched}/10 and {bankedMatched}/12");

        // Another provider learns that it matched and which entry, not whose order.
        var byOther = await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Provider(fixture.Other), new { frames = query }, idempotencyKey: null);
        var opaque = Assert.Single(byOther.Json.GetProperty("matches").EnumerateArray());
        Assert.Equal(match.GetProperty("entryId").GetString(), opaque.GetProperty("entryId").GetString());
        Assert.False(opaque.TryGetProperty("orderId", out _));
        Assert.DoesNotContain(order, byOther.Text, StringComparison.Ordinal);

        // A different video shares no frames with it.
        var unrelated = await ProviderSideFramesAsync(await FfmpegAsync("-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=10", "-t", "12", "-pix_fmt", "yuv420p"));
        var (unrelatedQuery, unrelatedBanked) = Shares(unrelated, banked);
        Assert.True(unrelatedQuery / (double)unrelated.Count < QueryShareThreshold || unrelatedBanked / 12.0 < BankedShareThreshold);
        var none = await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = unrelated }, idempotencyKey: null);
        Assert.Empty(none.Json.GetProperty("matches").EnumerateArray());
    }

    [Fact]
    public async Task A_few_shared_frames_are_not_a_match_and_bad_frame_lists_are_refused()
    {
        // Two of the banked video's frames inside ten of something else: the query share is 0.2.
        var unrelated = await ProviderSideFramesAsync(await FfmpegAsync("-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=10", "-t", "8", "-pix_fmt", "yuv420p"));
        var spliced = unrelated.Concat(fixture.BankedFrames.Take(2)).ToList();
        var reply = await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = spliced }, idempotencyKey: null);
        Assert.Equal(200, reply.Status);
        Assert.Empty(reply.Json.GetProperty("matches").EnumerateArray());

        // The same two frames alone are a whole query that matches only a sixth of the banked video.
        var two = await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = fixture.BankedFrames.Take(2) }, idempotencyKey: null);
        Assert.Empty(two.Json.GetProperty("matches").EnumerateArray());

        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = Array.Empty<string>() }, idempotencyKey: null), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = new[] { "nothex" } }, idempotencyKey: null), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Regulator, new { frames = Enumerable.Repeat(new string('a', 64), 121) }, idempotencyKey: null), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup/video", Host.Token(Compliance.Access.Role.Support), new { frames = fixture.BankedFrames }, idempotencyKey: null), 403, "forbidden");
    }

    /// <summary>How many query frames find a banked frame within 31, and how many banked frames are found.</summary>
    private static (int Query, int Banked) Shares(IReadOnlyList<string> query, IReadOnlyList<string> banked)
    {
        var q = query.Select(Parse).ToList();
        var b = banked.Select(Parse).ToList();
        return (q.Count(x => b.Any(y => x.DistanceTo(y) <= 31)), b.Count(y => q.Any(x => x.DistanceTo(y) <= 31)));
    }

    private static PdqHash Parse(string hex) => PdqHash.TryParse(hex, out var hash) ? hash : throw new FormatException(hex);

    /// <summary>What a provider's filter runs: <c>compliance hash --frames</c>.</summary>
    private static async Task<List<string>> ProviderSideFramesAsync(string path)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ComplianceCli.RunAsync(["hash", "--frames", path], output, new StringWriter()));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
    }

    private static async Task<string> FfmpegAsync(params string[] arguments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-{Guid.NewGuid():N}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-nostdin", "-v", "error", .. arguments, path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return path;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public ComplianceHost Host { get; private set; } = null!;

        public string Other { get; } = "video-b";

        public string OriginalPath { get; private set; } = null!;

        public string Order { get; private set; } = null!;

        /// <summary>The banked video's frame hashes, as its media record shows them.</summary>
        public IReadOnlyList<string> BankedFrames { get; private set; } = [];

        public async ValueTask InitializeAsync()
        {
            Host = await ComplianceHost.StartAsync();
            await Host.RegisterProviderAsync("video-a");
            await Host.RegisterProviderAsync(Other);
            OriginalPath = await FfmpegAsync("-f", "lavfi", "-i", "testsrc=duration=12:size=320x240:rate=10", "-pix_fmt", "yuv420p");
            Order = (await Host.IssueAsync("video-a")).GetProperty("orderId").GetString()!;
            var ticket = await Host.PostAsync($"/api/v1/orders/{Order}/media", Host.Commission, null);
            await new BlobClient(new Uri(ticket.Str("uploadUrl"))).UploadAsync(new BinaryData(await File.ReadAllBytesAsync(OriginalPath)));
            for (var attempt = 0; attempt < 240; attempt++)
            {
                var record = await Host.GetAsync($"/api/v1/orders/{Order}/media/{ticket.Str("mediaId")}", Host.Regulator);
                if (record.Str("status") == "analysed")
                {
                    BankedFrames = record.Json.GetProperty("hashes").EnumerateArray().Select(h => h.GetProperty("pdq").GetString()!).ToList();
                    Assert.Equal(12, BankedFrames.Count);
                    return;
                }

                Assert.Equal("pending", record.Str("status"));
                await Task.Delay(250);
            }

            throw new TimeoutException("the video was not analysed");
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            File.Delete(OriginalPath);
        }
    }
}
