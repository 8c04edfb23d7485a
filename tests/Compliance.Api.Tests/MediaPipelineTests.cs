using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using SkiaSharp;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>
/// Upload through the SAS URL, the blob trigger under the local host, the real BlazeFace model and
/// the hash bank, all against Azurite.
/// </summary>
public sealed class MediaPipelineTests(MediaPipelineTests.Fixture fixture) : IClassFixture<MediaPipelineTests.Fixture>
{
    private const string CameraPdq = "dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c7";

    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task An_upload_through_the_SAS_URL_is_analysed_with_PDQ_faces_and_provenance()
    {
        var (order, media) = await UploadAsync(FixtureBytes("pdq", "images", "camera.png"));

        var record = await WaitForAnalysisAsync(order, media);

        Assert.Equal("analysed", record.Str("status"));
        Assert.Equal("png", record.Str("kind"));
        Assert.Equal(512, record.Json.GetProperty("width").GetInt32());
        var hash = Assert.Single(record.Json.GetProperty("hashes").EnumerateArray());
        Assert.Equal(CameraPdq, hash.GetProperty("pdq").GetString());
        Assert.Equal(100, hash.GetProperty("quality").GetInt32());
        Assert.Equal(1, record.Json.GetProperty("faceCount").GetInt32());
        Assert.False(record.Json.GetProperty("provenance").GetProperty("aiDeclared").GetBoolean());
        // The face is a finding of its own; the classifier slot ships empty.
        Assert.Empty(record.Json.GetProperty("classifications").EnumerateArray());

        var view = await Host.GetAsync($"/api/v1/orders/{order}", Host.Provider(fixture.Provider));
        Assert.Equal(media, view.Json.GetProperty("media")[0].GetProperty("mediaId").GetString());
        AssertProblem(await Host.GetAsync($"/api/v1/orders/{order}/media/{media}", Host.Provider(fixture.Other)), 404, "not-found");
    }

    [Fact]
    public async Task A_hash_of_a_mirrored_downscaled_re_encoded_copy_alone_finds_the_order()
    {
        var (order, media) = await UploadAsync(FixtureBytes("pdq", "images", "camera.png"));
        await WaitForAnalysisAsync(order, media);
        using var original = SKBitmap.Decode(FixtureBytes("pdq", "images", "camera.png"));

        // What a platform's upload filter does: hash the incoming copy, send only the hash.
        var mirroredCopy = Transformed(original, canvas => canvas.Scale(-1, 1, 192, 0));
        var query = ProviderSideHash(mirroredCopy);
        var byRegulator = await LookupAsync(Host.Regulator, new { pdq = query });
        var match = Assert.Single(byRegulator, m => m.GetProperty("mediaId").GetString() == media);
        Assert.Equal(order, match.GetProperty("orderId").GetString());
        // Meta's names: a left-right mirror is a flip about the y axis.
        Assert.Equal("flip_y", match.GetProperty("transform").GetString());

        // The distance is the bank's own arithmetic on the banked flip: recompute it independently.
        var bankedFlip = PdqHasher.HashDihedral(ImageDecoder.Decode(FixtureBytes("pdq", "images", "camera.png"), 10_000_000).Image!).FlipY;
        Assert.True(PdqHash.TryParse(query, out var queryHash));
        Assert.Equal(queryHash.DistanceTo(bankedFlip), match.GetProperty("distance").GetInt32());
        Assert.Equal(bankedFlip.ToHex(), match.GetProperty("pdq").GetString());

        // Another provider's filter is told that it matched, and which entry, never whose order.
        var byOther = await LookupAsync(Host.Provider(fixture.Other), new { pdq = query });
        var opaque = Assert.Single(byOther, m => m.GetProperty("entryId").GetString() == match.GetProperty("entryId").GetString());
        Assert.False(opaque.TryGetProperty("orderId", out _));
        Assert.False(opaque.TryGetProperty("providerId", out _));
        Assert.False(opaque.TryGetProperty("mediaId", out _));
        Assert.All(byOther, m => Assert.False(m.TryGetProperty("orderId", out _)));
        var byOwner = await LookupAsync(Host.Provider(fixture.Provider), new { pdq = query });
        Assert.Contains(byOwner, m => m.GetProperty("mediaId").GetString() == media);

        // A quarter turn, hashed by the provider and sent as one of several orientations.
        var rotatedCopy = Transformed(original, canvas => canvas.RotateDegrees(90, 192, 192));
        var rotated = await LookupAsync(Host.Regulator, new { pdqs = new[] { new string('f', 64), ProviderSideHash(rotatedCopy) } });
        var rotatedMatch = Assert.Single(rotated, m => m.GetProperty("mediaId").GetString() == media);
        Assert.Equal("rotate270", rotatedMatch.GetProperty("transform").GetString());

        // A different photograph does not match, nor does a hash of nothing.
        var unrelated = await LookupAsync(Host.Regulator, new { pdq = ProviderSideHash(SKBitmap.Decode(FixtureBytes("pdq", "images", "coffee.png"))) });
        Assert.DoesNotContain(unrelated, m => m.GetProperty("mediaId").GetString() == media);
        Assert.Empty(await LookupAsync(Host.Regulator, new { pdq = new string('0', 64), maxDistance = 10 }));
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup", Host.Regulator, new { pdq = "nothex" }, idempotencyKey: null), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup", Host.Regulator, new { pdqs = Enumerable.Repeat(query, 9) }, idempotencyKey: null), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/lookup", Host.Regulator, new { pdq = query, pdqs = new[] { query } }, idempotencyKey: null), 400, "validation-failed");

        // The export gives every provider all eight transforms; attribution only to the order's own provider.
        var export = (await Host.GetAsync("/api/v1/hashbank?since=2000-01-01T00:00:00Z", Host.Provider(fixture.Other))).Json.GetProperty("entries").EnumerateArray().ToList();
        var entries = export.Where(e => e.GetProperty("entryId").GetString() == match.GetProperty("entryId").GetString()).ToList();
        Assert.Equal(8, entries.Count);
        Assert.Contains(entries, e => e.GetProperty("transform").GetString() == "original" && e.GetProperty("pdq").GetString() == CameraPdq);
        Assert.All(export, e => Assert.False(e.TryGetProperty("orderId", out _)));
        var ownExport = (await Host.GetAsync("/api/v1/hashbank?since=2000-01-01T00:00:00Z", Host.Provider(fixture.Provider))).Json.GetProperty("entries").EnumerateArray();
        Assert.Contains(ownExport, e => e.TryGetProperty("mediaId", out var id) && id.GetString() == media);
    }

    [Fact]
    public async Task Entries_of_a_withdrawn_order_stop_matching_but_stay_on_record()
    {
        var (order, media) = await UploadAsync(FixtureBytes("pdq", "images", "moon.png"));
        await WaitForAnalysisAsync(order, media);
        var moonPdq = ProviderSideHash(SKBitmap.Decode(FixtureBytes("pdq", "images", "moon.png")));
        Assert.Contains(await LookupAsync(Host.Regulator, new { pdq = moonPdq }), m => m.GetProperty("mediaId").GetString() == media);

        var withdrawn = await Host.PostAsync($"/api/v1/orders/{order}/withdrawal", Host.Commission, new { reason = "issued against the wrong provider" });
        Assert.Equal("withdrawn", withdrawn.Str("status"));

        Assert.DoesNotContain(await LookupAsync(Host.Regulator, new { pdq = moonPdq }), m => m.GetProperty("mediaId").GetString() == media);
        var export = (await Host.GetAsync("/api/v1/hashbank?since=2000-01-01T00:00:00Z", Host.Regulator)).Json.GetProperty("entries").EnumerateArray();
        var kept = export.Where(e => e.GetProperty("mediaId").GetString() == media).ToList();
        Assert.Equal(8, kept.Count);
        Assert.All(kept, e => Assert.True(e.GetProperty("disabled").GetBoolean()));
    }

    [Fact]
    public async Task A_flat_image_is_analysed_but_its_low_quality_hash_is_not_banked()
    {
        using var flat = new SKBitmap(256, 256);
        flat.Erase(new SKColor(20, 20, 20));
        var (order, media) = await UploadAsync(flat.Encode(SKEncodedImageFormat.Png, 100).ToArray());

        var record = await WaitForAnalysisAsync(order, media);

        Assert.Equal("analysed", record.Str("status"));
        Assert.Equal(0, Assert.Single(record.Json.GetProperty("hashes").EnumerateArray()).GetProperty("quality").GetInt32());
        var export = (await Host.GetAsync("/api/v1/hashbank?since=2000-01-01T00:00:00Z", Host.Regulator)).Json.GetProperty("entries").EnumerateArray();
        Assert.DoesNotContain(export, e => e.GetProperty("mediaId").GetString() == media);
    }

    private async Task<List<System.Text.Json.JsonElement>> LookupAsync(string token, object body)
    {
        var reply = await Host.PostAsync("/api/v1/hashbank/lookup", token, body, idempotencyKey: null);
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("matches").EnumerateArray().ToList();
    }

    /// <summary>75 % size, the transform applied, re-encoded as JPEG at quality 75: what a re-uploader does.</summary>
    private static byte[] Transformed(SKBitmap original, Action<SKCanvas> transform)
    {
        using var resized = original.Resize(new SKImageInfo(384, 384), new SKSamplingOptions(SKFilterMode.Linear));
        using var copy = new SKBitmap(384, 384);
        using (var canvas = new SKCanvas(copy))
        {
            transform(canvas);
            using var image = SKImage.FromBitmap(resized);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }

        return copy.Encode(SKEncodedImageFormat.Jpeg, 75).ToArray();
    }

    private static string ProviderSideHash(byte[] encoded) => PdqHasher.Hash(ImageDecoder.Decode(encoded, 10_000_000).Image!).Hash.ToHex();

    private static string ProviderSideHash(SKBitmap bitmap)
    {
        using (bitmap)
        {
            return ProviderSideHash(bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }
    }

    public static TheoryData<string, string> BadMedia() => new()
    {
        { "bomb", "too_many_pixels" },
        { "truncated", "decode_failed" },
        { "executable", "unsupported_type" },
        { "oversized", "too_large" },
        { "malformed_mp4", "decode_failed" },
        { "gif_script_polyglot", "too_many_pixels" },
        { "executable_with_png_inside", "unsupported_type" },
    };

    [Theory]
    [MemberData(nameof(BadMedia))]
    public async Task Media_that_cannot_be_analysed_is_quarantined_with_its_reason(string kind, string reason)
    {
        var camera = FixtureBytes("pdq", "images", "camera.png");
        var content = kind switch
        {
            "bomb" => PngClaiming(100_000, 100_000),
            "truncated" => camera[..(camera.Length / 2)],
            "executable" => [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0, .. new byte[512]],
            // An MP4 box header that ffprobe cannot follow: the container claims more than it holds.
            "malformed_mp4" => [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, 0x7F, 0xFF, 0xFF, 0xFF, .. "moov"u8, .. new byte[256]],
            // A "GIF" that is a script: its text stands where the header's size is, 12605 x 24891, refused from the header.
            "gif_script_polyglot" => [.. "GIF89a"u8, .. "=1;alert(document.domain)//"u8, .. new byte[64]],
            // An executable with a whole PNG inside: judged by what it starts with.
            "executable_with_png_inside" => [(byte)'M', (byte)'Z', 0x90, 0, .. new byte[60], .. camera],
            _ => [.. camera, .. new byte[Fixture.MaxBytes]],
        };

        var (order, media) = await UploadAsync(content);
        var record = await WaitForAnalysisAsync(order, media);

        Assert.Equal("rejected", record.Str("status"));
        Assert.Equal(reason, record.Json.GetProperty("rejection").GetProperty("reason").GetString());
        Assert.Empty(record.Json.GetProperty("hashes").EnumerateArray());
        var blobs = new BlobServiceClient(ComplianceHost.StorageConnection);
        // The record is written before the blob moves (so a crash in between is finished by a re-run):
        // the move may still be under way when the record first reads rejected.
        var incoming = blobs.GetBlobContainerClient(Host.TablePrefix + "-incoming").GetBlobClient($"{order}/{media}");
        for (var attempt = 0; attempt < 40 && await incoming.ExistsAsync(); attempt++)
        {
            await Task.Delay(250);
        }

        Assert.False(await incoming.ExistsAsync());
        var quarantined = blobs.GetBlobContainerClient(Host.TablePrefix + "-quarantine").GetBlobClient($"{order}/{media}");
        Assert.True(await quarantined.ExistsAsync());
        Assert.Equal(reason, (await quarantined.GetPropertiesAsync()).Value.Metadata["reason"]);
    }

    [Fact]
    public async Task A_video_is_hashed_and_face_checked_one_frame_a_second()
    {
        var (order, media) = await UploadAsync(await Video(seconds: 3));

        var record = await WaitForAnalysisAsync(order, media);

        Assert.Equal("analysed", record.Str("status"));
        Assert.Equal("mp4", record.Str("kind"));
        Assert.Equal(3.0, record.Json.GetProperty("durationSeconds").GetDouble(), 1);
        Assert.Equal([0, 1, 2], record.Json.GetProperty("hashes").EnumerateArray().Select(h => h.GetProperty("frameSecond").GetInt32()));
        var bank = await Host.PostAsync("/api/v1/hashbank/lookup", Host.Regulator, new { pdq = record.Json.GetProperty("hashes")[1].GetProperty("pdq").GetString(), maxDistance = 0 }, idempotencyKey: null);
        Assert.Contains(bank.Json.GetProperty("matches").EnumerateArray(), m => m.GetProperty("mediaId").GetString() == media && m.GetProperty("frameSecond").GetInt32() == 1);
    }

    [Fact]
    public async Task A_video_over_the_duration_limit_is_quarantined_as_too_long()
    {
        var (order, media) = await UploadAsync(await Video(seconds: Fixture.MaxVideoSeconds + 3));

        var record = await WaitForAnalysisAsync(order, media);

        Assert.Equal("rejected", record.Str("status"));
        Assert.Equal("too_long", record.Json.GetProperty("rejection").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Only_the_commission_creates_upload_tickets_and_they_state_the_limit()
    {
        var order = (await Host.IssueAsync(fixture.Provider)).GetProperty("orderId").GetString();

        AssertProblem(await Host.PostAsync($"/api/v1/orders/{order}/media", Host.Provider(fixture.Provider), null), 403, "forbidden");
        var ticket = await Host.PostAsync($"/api/v1/orders/{order}/media", Host.Commission, null);

        Assert.Equal(201, ticket.Status);
        Assert.Equal(Fixture.MaxBytes, ticket.Json.GetProperty("maxBytes").GetInt64());
        Assert.Equal("PUT", ticket.Str("method"));
        var url = new Uri(ticket.Str("uploadUrl"));
        Assert.Contains("sp=c&", url.Query + "&", StringComparison.Ordinal);
        Assert.Contains($"/{order}/{ticket.Str("mediaId")}", url.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_PUT_to_the_upload_URL_is_refused_and_the_analysed_bytes_stay()
    {
        var camera = FixtureBytes("pdq", "images", "camera.png");
        var order = (await Host.IssueAsync(fixture.Provider)).GetProperty("orderId").GetString()!;
        var ticket = await Host.PostAsync($"/api/v1/orders/{order}/media", Host.Commission, null);
        var url = new Uri(ticket.Str("uploadUrl"));
        using var http = new HttpClient();
        async Task<System.Net.HttpStatusCode> PutAsync(byte[] body)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(body) };
            put.Headers.Add("x-ms-blob-type", "BlockBlob");
            using var response = await http.SendAsync(put);
            return response.StatusCode;
        }

        Assert.Equal(System.Net.HttpStatusCode.Created, await PutAsync(camera));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await PutAsync([0xFF, 0xD8, 0xFF, 1, 2, 3]));
        var record = await WaitForAnalysisAsync(order, ticket.Str("mediaId"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await PutAsync([0xFF, 0xD8, 0xFF, 1, 2, 3]));

        Assert.Equal("analysed", record.Str("status"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(camera)), record.Str("sha256"));
        var stored = await new BlobServiceClient(ComplianceHost.StorageConnection).GetBlobContainerClient(Host.TablePrefix + "-incoming").GetBlobClient($"{order}/{ticket.Str("mediaId")}").DownloadContentAsync();
        Assert.Equal(camera, stored.Value.Content.ToArray());
    }

    [Fact]
    public async Task A_re_upload_after_a_rejection_cannot_replace_the_quarantined_original()
    {
        var camera = FixtureBytes("pdq", "images", "camera.png");
        var truncated = camera[..(camera.Length / 2)];
        var order = (await Host.IssueAsync(fixture.Provider)).GetProperty("orderId").GetString()!;
        var ticket = await Host.PostAsync($"/api/v1/orders/{order}/media", Host.Commission, null);
        var sas = new BlobClient(new Uri(ticket.Str("uploadUrl")));
        await sas.UploadAsync(new BinaryData(truncated));
        Assert.Equal("rejected", (await WaitForAnalysisAsync(order, ticket.Str("mediaId"))).Str("status"));

        // The incoming blob was moved away, so the create-only URL may create it again.
        await sas.UploadAsync(new BinaryData(camera));
        var blobs = new BlobServiceClient(ComplianceHost.StorageConnection);
        var incoming = blobs.GetBlobContainerClient(Host.TablePrefix + "-incoming").GetBlobClient($"{order}/{ticket.Str("mediaId")}");
        for (var i = 0; i < 100 && await incoming.ExistsAsync(); i++)
        {
            await Task.Delay(200);
        }

        Assert.False(await incoming.ExistsAsync());
        var quarantined = await blobs.GetBlobContainerClient(Host.TablePrefix + "-quarantine").GetBlobClient($"{order}/{ticket.Str("mediaId")}").DownloadContentAsync();
        Assert.Equal(truncated, quarantined.Value.Content.ToArray());
        Assert.Equal("decode_failed", quarantined.Value.Details.Metadata["reason"]);
    }

    private async Task<(string Order, string Media)> UploadAsync(byte[] content)
    {
        var order = (await Host.IssueAsync(fixture.Provider)).GetProperty("orderId").GetString()!;
        var ticket = await Host.PostAsync($"/api/v1/orders/{order}/media", Host.Commission, null);
        Assert.Equal(201, ticket.Status);
        await new BlobClient(new Uri(ticket.Str("uploadUrl"))).UploadAsync(new BinaryData(content));
        return (order, ticket.Str("mediaId"));
    }

    private async Task<Reply> WaitForAnalysisAsync(string order, string media)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var record = await Host.GetAsync($"/api/v1/orders/{order}/media/{media}", Host.Regulator);
            if (record.Str("status") != "pending")
            {
                return record;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"media {media} was not analysed");
    }

    /// <summary>A synthetic test-pattern video made by ffmpeg (installed by infra/test).</summary>
    private static async Task<byte[]> Video(int seconds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-{Guid.NewGuid():N}.mp4");
        var start = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size=320x240:rate=10", "-pix_fmt", "yuv420p", path })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = System.Diagnostics.Process.Start(start)!)
        {
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
        }

        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }

    private static byte[] FixtureBytes(params string[] path) => File.ReadAllBytes(Path.Combine([AppContext.BaseDirectory, "fixtures", .. path]));

    /// <summary>A tiny PNG whose header claims a huge image: refused from the header, never decoded.</summary>
    private static byte[] PngClaiming(int width, int height)
    {
        using var tiny = new SKBitmap(1, 1);
        var png = tiny.Encode(SKEncodedImageFormat.Png, 100).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);

        // Keep the header chunk's CRC valid so the decoder reads the (false) dimensions.
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public const int MaxBytes = 2_000_000;

        public const int MaxVideoSeconds = 5;

        public ComplianceHost Host { get; private set; } = null!;

        public string Provider { get; } = "media-a";

        public string Other { get; } = "media-b";

        public async ValueTask InitializeAsync()
        {
            Host = await ComplianceHost.StartAsync(
                true,
                null,
                "--Media:MaxBytes",
                MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--Media:MaxVideoSeconds",
                MaxVideoSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--LocalHost:BlobPollMilliseconds",
                "200");
            await Host.RegisterProviderAsync(Provider);
            await Host.RegisterProviderAsync(Other);
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
