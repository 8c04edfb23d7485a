using Compliance.Detection.Faces;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Compliance.Detection.Provenance;
using Compliance.Media;

namespace Compliance.Detection;

/// <summary>
/// Analyses one item of evidence: type from magic bytes, size and pixel limits before decoding,
/// PDQ hash, faces, declared AI provenance and every configured classifier; videos frame by frame.
/// Anything that cannot be analysed comes back with a rejection reason, never an exception.
/// </summary>
public sealed class MediaAnalyser(BlazeFaceDetector faces, IReadOnlyList<OnnxClassifier> classifiers, VideoFrames video, MediaOptions options) : IMediaAnalyser, IImageLookupHasher
{
    public async Task<MediaAnalysis> AnalyseAsync(Stream content, CancellationToken cancellationToken)
    {
        var data = await ReadLimitedAsync(content, options.MaxBytes, cancellationToken);
        if (data is null)
        {
            return Rejected(null, RejectionReason.TooLarge, $"larger than the {options.MaxBytes}-byte limit", options.MaxBytes + 1);
        }

        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
        return await AnalyseBytesAsync(data, cancellationToken) with { Sha256 = sha256 };
    }

    /// <summary>Every failure becomes a rejection with a reason: a thrown analysis would be retried and leave the media pending.</summary>
    private async Task<MediaAnalysis> AnalyseBytesAsync(byte[] data, CancellationToken cancellationToken)
    {
        var kind = MediaSniffer.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaSniffer.HeaderLength)));
        if (kind is null)
        {
            return Rejected(null, RejectionReason.UnsupportedType, "not a recognised image or video format", data.Length);
        }

        try
        {
            return MediaSniffer.IsVideo(kind.Value) ? await AnalyseVideoAsync(data, kind.Value, cancellationToken) : AnalyseImage(data, kind.Value);
        }
        catch (MediaDefectException e)
        {
            return Rejected(kind, e.Reason, e.Message, data.Length);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Rejected(kind, RejectionReason.AnalysisFailed, $"analysis failed ({e.GetType().Name})", data.Length);
        }
    }

    public async Task<IReadOnlyList<string>?> DihedralHashesAsync(Stream image, CancellationToken cancellationToken)
    {
        var data = await ReadLimitedAsync(image, options.MaxBytes, cancellationToken);
        if (data is null || MediaSniffer.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaSniffer.HeaderLength))) is not { } kind || MediaSniffer.IsVideo(kind))
        {
            return null;
        }

        try
        {
            return PdqHasher.HashDihedralEncoded(data, options.MaxLookupPixels)?.All.Select(h => h.ToHex()).Distinct().ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An image no decoder can read is the caller's bad input (the lookup answers it as such), never a 500.
            return null;
        }
    }

    private MediaAnalysis AnalyseImage(byte[] data, MediaKind kind)
    {
        var (image, failure, width, height) = ImageDecoder.Decode(data, options.MaxPixels);
        if (image is null)
        {
            return failure == DecodeFailure.TooManyPixels
                ? Rejected(kind, RejectionReason.TooManyPixels, $"{width}×{height} exceeds the {options.MaxPixels}-pixel limit", data.Length, width, height)
                : Rejected(kind, RejectionReason.DecodeFailed, "the image could not be decoded completely", data.Length);
        }

        // All eight from one DCT: a provider may hash a mirrored or rotated copy, and it sends only the hash.
        var pdq = PdqHasher.HashDihedral(image);
        var found = faces.Detect(image);
        return new MediaAnalysis(
            kind,
            null,
            null,
            data.Length,
            image.Width,
            image.Height,
            null,
            [new MediaHash(pdq.Original.ToHex(), pdq.Quality, null, pdq.All.Select(h => h.ToHex()).ToList())],
            found.Select(f => new FaceFinding(Math.Round(f.X, 1), Math.Round(f.Y, 1), Math.Round(f.Width, 1), Math.Round(f.Height, 1), Math.Round(f.Score, 4), null)).ToList(),
            ProvenanceInspector.Inspect(data, kind),
            Classify(image, found));
    }

    private async Task<MediaAnalysis> AnalyseVideoAsync(byte[] data, MediaKind kind, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("compliance-video-");
        try
        {
            var input = Path.Combine(work.FullName, "input");
            await File.WriteAllBytesAsync(input, data, cancellationToken);
            var probe = await video.ProbeAsync(input, cancellationToken);
            if (probe is not { DurationSeconds: var duration })
            {
                return Rejected(kind, RejectionReason.DecodeFailed, "the video could not be read", data.Length);
            }

            // Refused from the container's header: ffmpeg would otherwise allocate frames of that size first.
            if (probe is { Width: { } w, Height: { } h } && (long)w * h > options.MaxPixels)
            {
                return Rejected(kind, RejectionReason.TooManyPixels, $"{w}×{h} frames exceed the {options.MaxPixels}-pixel limit", data.Length, w, h) with { DurationSeconds = duration };
            }

            if (duration > options.MaxVideoSeconds)
            {
                return Rejected(kind, RejectionReason.TooLong, $"{duration:F0} s exceeds the {options.MaxVideoSeconds:F0}-second limit", data.Length) with { DurationSeconds = duration };
            }

            var hashes = new List<MediaHash>();
            var faceFindings = new List<FaceFinding>();
            int? width = null, height = null;
            await foreach (var (second, frame) in video.DecodeAsync(input, work.FullName, options.MaxVideoFrames, options.MaxPixels, cancellationToken))
            {
                (width, height) = (frame.Width, frame.Height);
                var pdq = PdqHasher.Hash(frame);
                hashes.Add(new MediaHash(pdq.Hash.ToHex(), pdq.Quality, second));
                faceFindings.AddRange(faces.Detect(frame).Select(f => new FaceFinding(Math.Round(f.X, 1), Math.Round(f.Y, 1), Math.Round(f.Width, 1), Math.Round(f.Height, 1), Math.Round(f.Score, 4), second)));
            }

            if (hashes.Count == 0)
            {
                return Rejected(kind, RejectionReason.DecodeFailed, "no frame could be decoded", data.Length) with { DurationSeconds = duration };
            }

            return new MediaAnalysis(kind, null, null, data.Length, width, height, duration, hashes, faceFindings, new ProvenanceFinding(false, false, null, []), []);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private List<ClassifierFinding> Classify(RasterImage image, IReadOnlyList<FaceBox> found) =>
        classifiers
            .Select(c => (c.Manifest, Score: c.Score(image, found)))
            .Where(r => r.Score is not null)
            .Select(r => new ClassifierFinding(r.Manifest.Name, r.Manifest.Version, Math.Round(r.Score!.Value, 4), r.Manifest.Threshold, r.Score >= r.Manifest.Threshold))
            .ToList();

    private static MediaAnalysis Rejected(MediaKind? kind, RejectionReason reason, string detail, long size, int? width = null, int? height = null) =>
        new(kind, reason, detail, size, width, height, null, [], [], null, []);

    /// <summary>The stream's bytes, or null as soon as it proves longer than the limit.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream content, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
