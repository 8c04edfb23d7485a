namespace Compliance.Media;

public sealed class MediaOptions
{
    public const string Section = "Media";

    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    public long MaxPixels { get; set; } = 40_000_000;

    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public int MatchDistance { get; set; } = 31;

    public double MaxVideoSeconds { get; set; } = 600;

    public int MaxVideoFrames { get; set; } = 120;
}
