using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compliance.Detection.Hashing;

/// <summary>A PDQ hash with its quality (0-100; below 50 the hash is unreliable for matching).</summary>
public sealed record PdqResult(PdqHash Hash, int Quality);

/// <summary>The eight dihedral hashes of one image, for matching rotated or mirrored copies.</summary>
public sealed record PdqDihedral(PdqHash Original, PdqHash Rotate90, PdqHash Rotate180, PdqHash Rotate270, PdqHash FlipX, PdqHash FlipY, PdqHash FlipPlus1, PdqHash FlipMinus1, int Quality)
{
    public IEnumerable<PdqHash> All => [Original, Rotate90, Rotate180, Rotate270, FlipX, FlipY, FlipPlus1, FlipMinus1];
}

/// <summary>
/// Meta's PDQ perceptual hash, written from the published algorithm: float luminance, a Jarosz
/// tent filter (two box passes per axis) decimated to 64×64, a 16×64 DCT without the DC row giving
/// 16×16 coefficients, and one bit per coefficient above their (Torben) median. Arithmetic follows
/// the reference's single-precision order of operations so PNG inputs hash bit-exactly.
/// </summary>
public static class PdqHasher
{
    public const float LumaR = 0.299f;
    public const float LumaG = 0.587f;
    public const float LumaB = 0.114f;
    private const int MinDimension = 5;

    /// <summary>Larger images are first resampled to this square, as Meta's pdq-photo-hasher does.</summary>
    public const int DownsampleDimension = 512;

    /// <summary>The 16×64 DCT matrix without its DC row (the oracle tests share it: only the products changed).</summary>
    internal static readonly float[] Dct = BuildDct();
    private static readonly float[] DctTransposed = Transposed(Dct);

    /// <summary>Hashes a decoded image exactly as the reference tool does (including its 512×512 pre-resize).</summary>
    public static PdqResult Hash(Imaging.RasterImage image)
    {
        var (columns, rows) = HashingSize(image);
        return Hash(image.Luma(columns, rows), rows, columns);
    }

    public static PdqDihedral HashDihedral(Imaging.RasterImage image)
    {
        var (columns, rows) = HashingSize(image);
        return HashDihedral(image.Luma(columns, rows), rows, columns);
    }

    private static (int Columns, int Rows) HashingSize(Imaging.RasterImage image) => HashingSize(image.Width, image.Height);

    /// <summary>The luminance size an image of this size is hashed at.</summary>
    public static (int Columns, int Rows) HashingSize(int width, int height) =>
        width > DownsampleDimension || height > DownsampleDimension
            ? (DownsampleDimension, DownsampleDimension)
            : (width, height);

    /// <summary>Decodes and hashes an encoded image by the shortest path (<see cref="Imaging.ImageDecoder.DecodeLuma"/>); null if it cannot be decoded.</summary>
    public static PdqResult? HashEncoded(byte[] data, long maxPixels) => FromLuma(data, maxPixels, Hash);

    /// <summary>As <see cref="HashEncoded"/>, with all eight dihedral hashes.</summary>
    public static PdqDihedral? HashDihedralEncoded(byte[] data, long maxPixels) => FromLuma(data, maxPixels, HashDihedral);

    /// <summary>Decodes into a pooled luminance array, hashes it and returns the array.</summary>
    private static T? FromLuma<T>(byte[] data, long maxPixels, Func<float[], int, int, T> hash)
        where T : class
    {
        var (luma, rows, columns, _) = Imaging.ImageDecoder.DecodeLuma(data, maxPixels, ArrayPool<float>.Shared.Rent);
        if (luma is null)
        {
            return null;
        }

        try
        {
            return hash(luma, rows, columns);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(luma);
        }
    }

    /// <summary>Hashes a luminance image (row-major, <paramref name="rows"/> × <paramref name="columns"/>; the buffer may be longer). The buffer is left as it is.</summary>
    public static PdqResult Hash(float[] luma, int rows, int columns)
    {
        if (rows < MinDimension || columns < MinDimension)
        {
            return new PdqResult(default, 0);
        }

        Span<float> coefficients = stackalloc float[256];
        var quality = Coefficients(luma, rows, columns, coefficients);
        return new PdqResult(ToBits(coefficients), quality);
    }

    public static PdqDihedral HashDihedral(float[] luma, int rows, int columns)
    {
        if (rows < MinDimension || columns < MinDimension)
        {
            return new PdqDihedral(default, default, default, default, default, default, default, default, 0);
        }

        Span<float> a = stackalloc float[256];
        Span<float> b = stackalloc float[256];
        var quality = Coefficients(luma, rows, columns, a);
        PdqHash Transform(ReadOnlySpan<float> a, Span<float> b, bool transpose, Func<int, int, bool> negate)
        {
            for (var i = 0; i < 16; i++)
            {
                for (var j = 0; j < 16; j++)
                {
                    var value = negate(i, j) ? -a[(i * 16) + j] : a[(i * 16) + j];
                    b[transpose ? (j * 16) + i : (i * 16) + j] = value;
                }
            }

            return ToBits(b);
        }

        // Rotations and flips of the image permute and negate DCT coefficients by parity.
        return new PdqDihedral(
            ToBits(a),
            Transform(a, b, true, (i, j) => (j & 1) == 0),
            Transform(a, b, false, (i, j) => ((i + j) & 1) == 1),
            Transform(a, b, true, (i, j) => (i & 1) == 0),
            Transform(a, b, false, (i, j) => (i & 1) == 0),
            Transform(a, b, false, (i, j) => (j & 1) == 0),
            Transform(a, b, true, (i, j) => false),
            Transform(a, b, true, (i, j) => ((i + j) & 1) == 1),
            quality);
    }

    /// <summary>Luminance of 8-bit RGB, computed in single precision as the reference does.</summary>
    public static float Luma(byte r, byte g, byte b) => (LumaR * r) + (LumaG * g) + (LumaB * b);

    private static int Coefficients(float[] luma, int rows, int columns, Span<float> coefficients)
    {
        Span<float> block = stackalloc float[64 * 64];
        if (rows == 64 && columns == 64)
        {
            luma.AsSpan(0, block.Length).CopyTo(block);
        }
        else
        {
            JaroszDecimation.Run(luma, rows, columns, block);
        }

        Dct64To16(block, coefficients);
        return Quality(block);
    }

    /// <summary>Counts significant neighbour gradients of the 64×64 image, scaled to 0-100.</summary>
    private static int Quality(ReadOnlySpan<float> block)
    {
        var sum = 0;
        for (var i = 0; i < 63; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                sum += Math.Abs((int)((block[(i * 64) + j] - block[((i + 1) * 64) + j]) * 100 / 255));
            }
        }

        for (var i = 0; i < 64; i++)
        {
            for (var j = 0; j < 63; j++)
            {
                sum += Math.Abs((int)((block[(i * 64) + j] - block[(i * 64) + j + 1]) * 100 / 255));
            }
        }

        return Math.Min(100, sum / 90);
    }

    /// <summary>
    /// B = D·A·Dᵀ with D the 16×64 DCT matrix. Eight output columns at a time, each lane summing its
    /// own terms in the reference's order (k = 0..63, a product then an add, never fused), so every
    /// coefficient is the reference's to the last bit.
    /// </summary>
    internal static void Dct64To16(ReadOnlySpan<float> a, Span<float> b)
    {
        Span<float> t = stackalloc float[16 * 64];
        ref var dct = ref MemoryMarshal.GetArrayDataReference(Dct);
        ref var dctTransposed = ref MemoryMarshal.GetArrayDataReference(DctTransposed);
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var t0 = ref MemoryMarshal.GetReference(t);
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j += Vector256<float>.Count)
            {
                var sum = Vector256<float>.Zero;
                for (var k = 0; k < 64; k++)
                {
                    var product = Vector256.Create(Unsafe.Add(ref dct, (i * 64) + k)) * Vector256.LoadUnsafe(ref a0, (nuint)((k * 64) + j));
                    sum += product;
                }

                sum.StoreUnsafe(ref t0, (nuint)((i * 64) + j));
            }
        }

        ref var b0 = ref MemoryMarshal.GetReference(b);
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j += Vector256<float>.Count)
            {
                var sum = Vector256<float>.Zero;
                for (var k = 0; k < 64; k++)
                {
                    var product = Vector256.Create(Unsafe.Add(ref t0, (i * 64) + k)) * Vector256.LoadUnsafe(ref dctTransposed, (nuint)((k * 16) + j));
                    sum += product;
                }

                sum.StoreUnsafe(ref b0, (nuint)((i * 16) + j));
            }
        }
    }

    private static float[] BuildDct()
    {
        var scale = (float)Math.Sqrt(2.0 / 64);
        var matrix = new float[16 * 64];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                matrix[(i * 64) + j] = (float)(scale * Math.Cos(Math.PI / 2.0 / 64 * (i + 1) * ((2 * j) + 1)));
            }
        }

        return matrix;
    }

    /// <summary>Dᵀ as 64 rows of 16, so the second product reads eight outputs' factors in one load.</summary>
    private static float[] Transposed(float[] dct)
    {
        var transposed = new float[64 * 16];
        for (var i = 0; i < 16; i++)
        {
            for (var k = 0; k < 64; k++)
            {
                transposed[(k * 16) + i] = dct[(i * 64) + k];
            }
        }

        return transposed;
    }

    private static PdqHash ToBits(ReadOnlySpan<float> coefficients)
    {
        var median = Torben(coefficients);
        Span<ulong> words = stackalloc ulong[4];
        for (var k = 0; k < 256; k++)
        {
            if (coefficients[k] > median)
            {
                words[k >> 6] |= 1UL << (k & 63);
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Torben's median: the lower median, found without sorting or copying.</summary>
    private static float Torben(ReadOnlySpan<float> values)
    {
        var n = values.Length;
        float min = values[0], max = values[0];
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        float guess, maxBelow, minAbove;
        int less, greater, equal;
        while (true)
        {
            guess = (min + max) / 2;
            less = greater = equal = 0;
            maxBelow = min;
            minAbove = max;
            foreach (var v in values)
            {
                if (v < guess)
                {
                    less++;
                    if (v > maxBelow)
                    {
                        maxBelow = v;
                    }
                }
                else if (v > guess)
                {
                    greater++;
                    if (v < minAbove)
                    {
                        minAbove = v;
                    }
                }
                else
                {
                    equal++;
                }
            }

            if (less <= (n + 1) / 2 && greater <= (n + 1) / 2)
            {
                break;
            }

            if (less > greater)
            {
                max = maxBelow;
            }
            else
            {
                min = minAbove;
            }
        }

        return less >= (n + 1) / 2 ? maxBelow : less + equal >= (n + 1) / 2 ? guess : minAbove;
    }
}
