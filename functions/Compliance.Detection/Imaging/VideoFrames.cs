using System.Diagnostics;
using System.Globalization;

namespace Compliance.Detection.Imaging;

/// <summary>What ffprobe reads from a video's container: its length and its first video stream's size.</summary>
public sealed record VideoProbe(double DurationSeconds, int? Width, int? Height);

/// <summary>
/// Frames of a video, one per second, through ffmpeg (Debian's package). Input is a local temp
/// file and only the file protocol is allowed, so a crafted playlist cannot make ffmpeg fetch URLs.
/// </summary>
public sealed class VideoFrames(string ffmpeg = "ffmpeg", string ffprobe = "ffprobe", TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(2);

    /// <summary>Duration and the first video stream's size, read from the container before anything is decoded.</summary>
    public async Task<VideoProbe?> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var (exit, output) = await RunAsync(ffprobe, ["-v", "error", "-threads", "1", "-protocol_whitelist", "file", "-select_streams", "v:0", "-show_entries", "format=duration:stream=width,height", "-of", "default=noprint_wrappers=1", path], cancellationToken);
        if (exit != 0)
        {
            return null;
        }

        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        double? Number(string key) => values.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        return Number("duration") is { } duration ? new VideoProbe(duration, (int?)Number("width"), (int?)Number("height")) : null;
    }

    /// <summary>PNG files of up to <paramref name="maxFrames"/> frames at 1 fps, in order; empty when the video cannot be decoded.</summary>
    /// <remarks>
    /// The stream is the one ffprobe measured (<c>-map 0:v:0</c>), and the decoder itself refuses frames over
    /// <paramref name="maxPixels"/>, so a small first stream cannot usher in a huge second one.
    /// </remarks>
    public async Task<IReadOnlyList<string>> ExtractAsync(string path, string outputDirectory, int maxFrames, long maxPixels, CancellationToken cancellationToken)
    {
        var (exit, _) = await RunAsync(ffmpeg, ["-nostdin", "-v", "error", "-threads", "1", "-filter_threads", "1", "-protocol_whitelist", "file", "-max_pixels", maxPixels.ToString(CultureInfo.InvariantCulture), "-i", path, "-map", "0:v:0", "-threads", "1", "-vf", "fps=1", "-frames:v", maxFrames.ToString(CultureInfo.InvariantCulture), Path.Combine(outputDirectory, "%05d.png")], cancellationToken);
        return exit == 0 ? Directory.GetFiles(outputDirectory, "*.png").Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>
    /// The decodable frames at 1 fps with their second, extracted into <paramref name="workDirectory"/>;
    /// what the pipeline hashes, and what a provider's filter must hash to look a video up. One frame
    /// is decoded at a time: a long high-resolution video must not sit in memory whole.
    /// </summary>
    public async IAsyncEnumerable<(int Second, RasterImage Frame)> DecodeAsync(string path, string workDirectory, int maxFrames, long maxPixels, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = await ExtractAsync(path, workDirectory, maxFrames, maxPixels, cancellationToken);
        for (var second = 0; second < files.Count; second++)
        {
            if (ImageDecoder.Decode(await File.ReadAllBytesAsync(files[second], cancellationToken), maxPixels).Image is { } frame)
            {
                yield return (second, frame);
            }
        }
    }

    private async Task<(int Exit, string Output)> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw; // the host is stopping: the blob is analysed again later
            }

            // A timeout is a verdict on the input, not a failure to retry for ever.
            throw new MediaDefectException(Compliance.Media.RejectionReason.TimedOut, $"{Path.GetFileName(tool)} did not finish within {_timeout.TotalSeconds:F0} s");
        }

        await errors;
        return (process.ExitCode, await output);
    }
}
