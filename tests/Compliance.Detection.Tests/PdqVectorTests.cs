using Compliance.Detection.Hashing;

namespace Compliance.Detection.Tests;

/// <summary>
/// The vectorised filter and DCT against the plain scalar code they replaced (kept below as the
/// oracle, itself bit-exact with Meta's reference on the fixtures): the 64×64 decimation and the
/// 256 coefficients equal to the last bit, on image sizes the fixtures do
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

        var expectedBlock = Scalar.Decimated((float[])luma.Clone(), rows, columns);
        var block = new float[64 * 64];
        JaroszDecimation.Run(luma, rows, columns, block);
        var coefficients = new float[256];
        PdqHasher.Dct64To16(block, coefficients);
        var hash = PdqHasher.Hash(luma, rows, columns);

        Assert.Equal(expectedBlock, block);
        Assert.Equal(Scalar.Dct64To16(expectedBlock), coefficients);
        Assert.Equal(hash, PdqHasher.Hash(luma, rows, columns)); // the input is not used as scratch
    }

    private static class Scalar
    {
        private const int JaroszPasses = 2;
        private static readonly float[] Dct = PdqHasher.Dct;

        internal static float[] Decimated(float[] luma, int rows, int columns)
        {
            var block = new float[64 * 64];
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

            return block;
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

        /// <summary>B = D·A·Dᵀ with D the 16×64 DCT matrix, summed in the reference's order.</summary>
        internal static float[] Dct64To16(float[] a)
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
    }
}
