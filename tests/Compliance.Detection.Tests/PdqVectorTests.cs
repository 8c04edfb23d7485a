using Compliance.Detection.Hashing;

namespace Compliance.Detection.Tests;

/// <summary>
/// The vectorised filter and DCT against the plain scalar PDQ they replaced (kept below as the
/// oracle, itself bit-exact with Meta's reference on the fixtures), on image sizes the fixtures do
/// not have: odd, under 64 pixels (rows sampled more than once), not multiples of 8, tall and wide.
/// </summary>
public sealed class PdqVectorTests
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(7, 63)]
    [InlineData(33, 17)]
    [InlineData(64, 65)]
    [InlineData(129, 257)]
    [InlineData(300, 211)]
    [InlineData(511, 512)]
    [InlineData(512, 9)]
    public void Vectorised_hashing_equals_the_scalar_reference_bit_for_bit(int rows, int columns)
    {
        var random = new Random((rows * 1000) + columns);
        var luma = new float[rows * columns];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                // Smooth structure plus noise, so coefficients spread and the median is not a tie.
                luma[(y * columns) + x] = PdqHasher.Luma((byte)random.Next(256), (byte)((x * 7) + (y * 3)), (byte)(x ^ y));
            }
        }

        var expectedCoefficients = Scalar.Coefficients((float[])luma.Clone(), rows, columns, out var expectedQuality);
        var actual = PdqHasher.Hash((float[])luma.Clone(), rows, columns);

        Assert.Equal(Scalar.ToBits(expectedCoefficients), actual.Hash);
        Assert.Equal(expectedQuality, actual.Quality);
        Assert.Equal(actual, PdqHasher.Hash(luma, rows, columns)); // the input is not used as scratch
    }

    private static class Scalar
    {
        private const int JaroszPasses = 2;
        private static readonly float[] Dct = BuildDct();

        internal static float[] Coefficients(float[] luma, int rows, int columns, out int quality)
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

        internal static PdqHash ToBits(float[] coefficients)
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
}
