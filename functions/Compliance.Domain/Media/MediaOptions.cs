namespace Compliance.Media;

public sealed class MediaOptions
{
    public const string Section = "Media";

    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Pixel limit for an image sent to the hash-bank lookup: an upload filter's query, not evidence, so smaller.</summary>
    public long MaxLookupPixels { get; set; } = 16_000_000;

    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public int MatchDistance { get; set; } = 31;

    /// <summary>Hashes below this PDQ quality are not banked: flat and black frames would match everything.</summary>
    public int MinBankQuality { get; set; } = 50;

    /// <summary>A lookup answers with at most this many banked items, closest first.</summary>
    public int MaxMatches { get; set; } = 20;

    /// <summary>
    /// vPDQ's rule: a video matches when at least this share of the query's frames find a banked
    /// frame of it, and (next) at least that share of its banked frames are found. Chosen on the
    /// evidence in VideoLookupTests: a copy with a sixth trimmed off, downscaled to 75 % and re-encoded
    /// scores 1.0 and 0.92 (11 of 12 banked frames are found: the trimmed second is near its neighbour);
    /// an unrelated video 0 and 0; two banked frames spliced into eight others, 0.2.
    /// </summary>
    public double VideoQueryMatchShare { get; set; } = 0.8;

    public double VideoBankedMatchShare { get; set; } = 0.5;

    public double MaxVideoSeconds { get; set; } = 600;

    public int MaxVideoFrames { get; set; } = 120;
}
