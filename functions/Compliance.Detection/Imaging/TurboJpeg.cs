using System.Runtime.InteropServices;

namespace Compliance.Detection.Imaging;

/// <summary>
/// Thin P/Invoke over the TurboJPEG API of libjpeg-turbo (Debian's libturbojpeg0), the library
/// Meta's pdq-photo-hasher decodes with (through CImg and libjpeg's defaults: accurate integer IDCT,
/// fancy upsampling, which TurboJPEG also keeps unless told otherwise). Debian's build has its x86
/// SIMD code (AVX2 IDCT and colour conversion), which the copy bundled in SkiaSharp's x64 library
/// lacks: the two JPEG fixtures decode in 12.5 ms here against 30 ms in Skia, to the same pixels.
/// TurboJPEG reports errors by return value (libjpeg's own API would longjmp through managed frames).
/// </summary>
internal static partial class TurboJpeg
{
    private const string Library = "libturbojpeg.so.0";

    /// <summary>TJPF_RGB and TJPF_GRAY.</summary>
    private const int PixelFormatRgb = 0;
    private const int PixelFormatGrey = 6;

    // Stop at the first warning (the file is declined and Skia decides) and refuse over 500 progressive
    // scans, so a hostile file is not decoded in full twice.
    private const int StopOnWarning = 1 << 13;
    private const int LimitScans = 1 << 15;

    /// <summary>TJCS_RGB, TJCS_YCbCr, TJCS_GRAY; CMYK and YCCK are left to Skia.</summary>
    private const int ColourSpaceRgb = 0;
    private const int ColourSpaceYCbCr = 1;
    private const int ColourSpaceGrey = 2;

    private static readonly Lazy<bool> Loaded = new(() => NativeLibrary.TryLoad(Library, typeof(TurboJpeg).Assembly, null, out _));

    [ThreadStatic]
    private static Decompressor? _decompressor;

    /// <summary>False where the library is not installed (an Azure host): callers take Skia's decoder instead.</summary>
    public static bool IsAvailable => Loaded.Value;

    /// <summary>The size and channel count (1 grey, 3 RGB) a JPEG decodes to; false for what TurboJPEG cannot read or this class leaves to Skia.</summary>
    public static unsafe bool TryReadHeader(ReadOnlySpan<byte> jpeg, out int width, out int height, out int channels)
    {
        var decompressor = _decompressor ??= Decompressor.Create();
        int w, h, subsampling, colourSpace;
        fixed (byte* source = jpeg)
        {
            if (DecompressHeader3(decompressor, source, new CULong((nuint)jpeg.Length), &w, &h, &subsampling, &colourSpace) != 0)
            {
                (width, height, channels) = (0, 0, 0);
                return false;
            }
        }

        (width, height) = (w, h);
        channels = colourSpace switch
        {
            ColourSpaceGrey => 1,
            ColourSpaceYCbCr or ColourSpaceRgb => 3,
            _ => 0,
        };
        return channels != 0 && w > 0 && h > 0;
    }

    /// <summary>
    /// Decodes the whole image into <paramref name="pixels"/> (rows of width × channels bytes). False on
    /// any error or warning (a truncated or corrupt stream): TurboJPEG returns failure for both.
    /// </summary>
    public static unsafe bool TryDecode(ReadOnlySpan<byte> jpeg, int width, int height, int channels, Span<byte> pixels)
    {
        var decompressor = _decompressor ??= Decompressor.Create();
        fixed (byte* source = jpeg)
        fixed (byte* target = pixels)
        {
            return Decompress2(decompressor, source, new CULong((nuint)jpeg.Length), target, width, width * channels, height, channels == 1 ? PixelFormatGrey : PixelFormatRgb, StopOnWarning | LimitScans) == 0;
        }
    }

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    private static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    private static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    private static unsafe partial int DecompressHeader3(Decompressor handle, byte* jpeg, CULong jpegSize, int* width, int* height, int* subsampling, int* colourSpace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    private static unsafe partial int Decompress2(Decompressor handle, byte* jpeg, CULong jpegSize, byte* target, int width, int pitch, int height, int pixelFormat, int flags);

    /// <summary>One TurboJPEG handle a thread, destroyed when its thread's reference goes.</summary>
    private sealed class Decompressor : SafeHandle
    {
        public Decompressor()
            : base(0, true)
        {
        }

        public override bool IsInvalid => handle == 0;

        public static Decompressor Create()
        {
            var decompressor = new Decompressor();
            decompressor.SetHandle(InitDecompress());
            return decompressor.IsInvalid ? throw new InvalidOperationException("TurboJPEG could not allocate a decompressor.") : decompressor;
        }

        protected override bool ReleaseHandle() => Destroy(handle) == 0;
    }
}
