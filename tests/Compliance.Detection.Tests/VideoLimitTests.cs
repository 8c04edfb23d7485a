using System.Diagnostics;
using Compliance.Detection.Faces;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Compliance.Media;

namespace Compliance.Detection.Tests;

/// <summary>Video limits applied from the container's header, before ffmpeg decodes a frame.</summary>
public sealed class VideoLimitTests
{
    [Fact]
    public async Task A_video_whose_frames_exceed_the_pixel_limit_is_rejected_from_its_header()
    {
        var video = await MakeVideoAsync("testsrc=duration=1:size=640x480:rate=5");
        using var faces = new BlazeFaceDetector(ModelManifest.Load(Path.Combine(AppContext.BaseDirectory, "models", "blazeface-front.model.json")), 1);

        var small = await new MediaAnalyser(faces, [], new VideoFrames(), new MediaOptions { MaxPixels = 640 * 480 - 1 }).AnalyseAsync(new MemoryStream(video), CancellationToken.None);
        var allowed = await new MediaAnalyser(faces, [], new VideoFrames(), new MediaOptions { MaxPixels = 640 * 480 }).AnalyseAsync(new MemoryStream(video), CancellationToken.None);

        Assert.Equal(RejectionReason.TooManyPixels, small.Rejection);
        Assert.Equal((640, 480), (small.Width, small.Height));
        Assert.Empty(small.Hashes);
        Assert.Null(allowed.Rejection);
        Assert.Equal(0, Assert.Single(allowed.Hashes).FrameSecond);
    }

    private static async Task<byte[]> MakeVideoAsync(string source)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-{Guid.NewGuid():N}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p", path })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!)
        {
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
        }

        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }
}
