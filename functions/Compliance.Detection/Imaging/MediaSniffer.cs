using Compliance.Media;

namespace Compliance.Detection.Imaging;

/// <summary>The media type from the file's own first bytes; names and declared content types are never trusted.</summary>
public static class MediaSniffer
{
    public const int HeaderLength = 16;

    public static MediaKind? Sniff(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return MediaKind.Jpeg;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return MediaKind.Png;
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return MediaKind.Gif;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return MediaKind.Webp;
        }

        if (header.StartsWith("BM"u8) && header.Length >= 14)
        {
            return MediaKind.Bmp;
        }

        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return header[8..12].SequenceEqual("qt  "u8) ? MediaKind.Mov : MediaKind.Mp4;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return MediaKind.Webm;
        }

        return null;
    }

    public static bool IsVideo(MediaKind kind) => kind.IsVideo();
}
