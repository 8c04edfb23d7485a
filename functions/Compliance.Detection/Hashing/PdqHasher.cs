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
    private const int JaroszPasses = 2;

    /// <summary>Larger images are first resampled to this square, as Meta's pdq-photo-hasher does.</summary>
    public const int DownsampleDimension = 512;

    private static readonly float[] Dct = BuildDct();

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

    private static (int Columns, int Rows) HashingSize(Imaging.RasterImage image) =>
        image.Width > DownsampleDimension || image.Height > DownsampleDimension
            ? (DownsampleDimension, DownsampleDimension)
            : (image.Width, image.Height);

    /// <summary>Hashes a luminance image (row-major, <paramref name="rows"/> × <paramref name="columns"/>). The buffer is used as scratch.</summary>
    public static PdqResult Hash(float[] luma, int rows, int columns)
    {
        if (rows < MinDimension || columns < MinDimension)
        {
            return new PdqResult(default, 0);
        }

        var coefficients = Coefficients(luma, rows, columns, out var quality);
        return new PdqResult(ToBits(coefficients), quality);
    }

    public static PdqDihedral HashDihedral(float[] luma, int rows, int columns)
    {
        if (rows < MinDimension || columns < MinDimension)
        {
            return new PdqDihedral(default, default, default, default, default, default, default, default, 0);
        }

        var a = Coefficients(luma, rows, columns, out var quality);
        PdqHash Transform(Func<int, int, (int Row, int Column, bool Negate)> map)
        {
            var b = new float[256];
            for (var i = 0; i < 16; i++)
            {
                for (var j = 0; j < 16; j++)
                {
                    var (row, column, negate) = map(i, j);
                    b[(row * 16) + column] = negate ? -a[(i * 16) + j] : a[(i * 16) + j];
                }
            }

            return ToBits(b);
        }

        // Rotations and flips of the image permute and negate DCT coefficients by parity.
        return new PdqDihedral(
            ToBits(a),
            Transform((i, j) => (j, i, (j & 1) == 0)),
            Transform((i, j) => (i, j, ((i + j) & 1) == 1)),
            Transform((i, j) => (j, i, (i & 1) == 0)),
            Transform((i, j) => (i, j, (i & 1) == 0)),
            Transform((i, j) => (i, j, (j & 1) == 0)),
            Transform((i, j) => (j, i, false)),
            Transform((i, j) => (j, i, ((i + j) & 1) == 1)),
            quality);
    }

    /// <summary>Luminance of 8-bit RGB, computed in single precision as the reference does.</summary>
    public static float Luma(byte r, byte g, byte b) => (LumaR * r) + (LumaG * g) + (LumaB * b);

    private static float[] Coefficients(float[] luma, int rows, int columns, out int quality)
    {
        var block = new float[64 * 64];
        if (rows == 64 && columns == 64)
        {
            Array.Copy(luma, block, block.Length);
        }
        else
        {
            var scratch = new float[luma.Length];
            var alongRows = WindowSize(columns);
            var alongColumns = WindowSize(rows);
            for (var pass = 0; pass < JaroszPasses; pass++)
            {
                for (var i = 0; i < rows; i++)
                {
                    Box(luma, scratch, i * columns, columns, 1, alongRows);
                }

                for (var j = 0; j < columns; j++)
                {
                    Box(scratch, luma, j, rows, columns, alongColumns);
                }
            }

            for (var i = 0; i < 64; i++)
            {
                var sourceRow = (int)((i + 0.5) * rows / 64);
                for (var j = 0; j < 64; j++)
                {
                    block[(i * 64) + j] = luma[(sourceRow * columns) + (int)((j + 0.5) * columns / 64)];
                }
            }
        }

        quality = Quality(block);
        return Dct64To16(block);
    }

    private static int WindowSize(int dimension) => (dimension + 128 - 1) / 128;

    /// <summary>One box-filter pass along a strided vector, with the window shrinking at both ends.</summary>
    private static void Box(float[] input, float[] output, int start, int length, int stride, int window)
    {
        var half = (window + 2) / 2;
        var leadIn = half - 1;
        var rampUp = window - half + 1;
        var full = length - window;
        var rampDown = half - 1;
        int left = start, right = start, write = start;
        var sum = 0f;
        var size = 0;
        for (var n = 0; n < leadIn; n++, right += stride)
        {
            sum += input[right];
            size++;
        }

        for (var n = 0; n < rampUp; n++, right += stride, write += stride)
        {
            sum += input[right];
            size++;
            output[write] = sum / size;
        }

        for (var n = 0; n < full; n++, left += stride, right += stride, write += stride)
        {
            sum += input[right];
            sum -= input[left];
            output[write] = sum / size;
        }

        for (var n = 0; n < rampDown; n++, left += stride, write += stride)
        {
            sum -= input[left];
            size--;
            output[write] = sum / size;
        }
    }

    /// <summary>Counts significant neighbour gradients of the 64×64 image, scaled to 0-100.</summary>
    private static int Quality(float[] block)
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

    /// <summary>B = D·A·Dᵀ with D the 16×64 DCT matrix, summed in the reference's order.</summary>
    private static float[] Dct64To16(float[] a)
    {
        var t = new float[16 * 64];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                var sum = 0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += Dct[(i * 64) + k] * a[(k * 64) + j];
                }

                t[(i * 64) + j] = sum;
            }
        }

        var b = new float[256];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                var sum = 0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += t[(i * 64) + k] * Dct[(j * 64) + k];
                }

                b[(i * 16) + j] = sum;
            }
        }

        return b;
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

    private static PdqHash ToBits(float[] coefficients)
    {
        var median = Torben(coefficients);
        Span<bool> bits = stackalloc bool[256];
        for (var k = 0; k < 256; k++)
        {
            bits[k] = coefficients[k] > median;
        }

        return PdqHash.FromBits(bits);
    }

    /// <summary>Torben's median: the lower median, found without sorting or copying.</summary>
    private static float Torben(float[] values)
    {
        var n = values.Length;
        float min = values.Min(), max = values.Max();
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
