using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Compliance.Detection.Hashing;

/// <summary>
/// PDQ's Jarosz filter (a box filter applied twice along each axis, rows then columns) and its
/// decimation to 64×64 at ⌊(i + 0.5)·dimension/64⌋, computing exactly the reference's values.
/// </summary>
/// <remarks>
/// Written by hand because no library does this filter bit-exactly. Each box pass keeps the
/// reference's running sum per line (add the entering value, subtract the leaving one, divide by
/// the window's current size), but runs eight lines side by side in one Vector256: the image is
/// transposed (8×8 blocks in registers) before every pass so that the lines of a pass are always
/// the columns of its input, and a pass reads whole rows. Lanes never mix, and each does the same
/// single-precision operations in the same order as the scalar reference, so results are identical.
/// The last two passes divide only where the decimation samples: the second row pass at the 64
/// sampled columns, the second column pass at the 64 sampled rows (the running sums still visit
/// every value, as their rounding depends on it). Buffers are per thread and reused.
/// </remarks>
internal static class JaroszDecimation
{
    public const int Output = 64;

    [ThreadStatic]
    private static float[]? _first;

    [ThreadStatic]
    private static float[]? _second;

    /// <summary>Filters a rows × columns luminance image and writes the 64×64 decimation into <paramref name="block"/>.</summary>
    public static void Run(ReadOnlySpan<float> luma, int rows, int columns, Span<float> block)
    {
        int rowsPadded = Pad(rows), columnsPadded = Pad(columns);
        var length = rowsPadded * columnsPadded;
        var a = Rent(ref _first, length);
        var b = Rent(ref _second, length);
        var alongRows = WindowSize(columns);
        var alongColumns = WindowSize(rows);
        Span<int> sampledColumns = stackalloc int[Output];
        Span<int> sampledRows = stackalloc int[Output];
        for (var i = 0; i < Output; i++)
        {
            sampledColumns[i] = (int)((i + 0.5) * columns / Output);
            sampledRows[i] = (int)((i + 0.5) * rows / Output);
        }

        for (var r = 0; r < rows; r++)
        {
            luma.Slice(r * columns, columns).CopyTo(a.AsSpan(r * columnsPadded));
        }

        // Pass 1 along rows, then along columns; every value is kept.
        Transpose(a, rowsPadded, columnsPadded, b);
        Box(b, a, columns, rowsPadded, alongRows, default);
        Transpose(a, columnsPadded, rowsPadded, b);
        Box(b, a, rows, columnsPadded, alongColumns, default);

        // Pass 2 along rows, kept at the sampled columns only (as 64 lines of every row), then along columns at the sampled rows.
        Transpose(a, rowsPadded, columnsPadded, b);
        Box(b, a, columns, rowsPadded, alongRows, sampledColumns);
        Transpose(a, Output, rowsPadded, b);
        Box(b, block, rows, Output, alongColumns, sampledRows);
    }

    private static int WindowSize(int dimension) => (dimension + 128 - 1) / 128;

    private static int Pad(int n) => (n + 7) & ~7;

    private static float[] Rent(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            // Zeroed once: padding lanes are computed but never read, and must hold ordinary floats.
            buffer = new float[Math.Max(length, 512 * 512)];
        }

        return buffer;
    }

    /// <summary>
    /// One box pass down the columns of a lines × width input (width a multiple of 8): for each
    /// column, the reference's running window sum over its values, the window shrinking at both
    /// ends. With <paramref name="keep"/> empty every output line is written; otherwise output
    /// line k of <paramref name="output"/> is the value at line keep[k].
    /// </summary>
    private static void Box(ReadOnlySpan<float> input, Span<float> output, int lines, int width, int window, ReadOnlySpan<int> keep)
    {
        var half = (window + 2) / 2;
        var leadIn = half - 1;
        var rampUp = window - half + 1;
        var full = lines - window;
        var rampDown = half - 1;
        Span<float> sums = stackalloc float[width];
        sums.Clear();
        ref var sum0 = ref MemoryMarshal.GetReference(sums);
        ref var in0 = ref MemoryMarshal.GetReference(input);
        ref var out0 = ref MemoryMarshal.GetReference(output);
        int right = 0, left = 0, write = 0, size = 0, kept = 0;

        for (var n = 0; n < leadIn; n++, right++)
        {
            for (var c = 0; c < width; c += 8)
            {
                (Vector256.LoadUnsafe(ref sum0, (nuint)c) + Vector256.LoadUnsafe(ref in0, (nuint)((right * width) + c))).StoreUnsafe(ref sum0, (nuint)c);
            }

            size++;
        }

        for (var n = 0; n < rampUp; n++, right++, write++)
        {
            size++;
            var divisor = Vector256.Create((float)size);
            var target = Target(keep, write, ref kept, out var copies);
            for (var c = 0; c < width; c += 8)
            {
                var sum = Vector256.LoadUnsafe(ref sum0, (nuint)c) + Vector256.LoadUnsafe(ref in0, (nuint)((right * width) + c));
                sum.StoreUnsafe(ref sum0, (nuint)c);
                Emit(ref out0, target, copies, width, c, sum, divisor);
            }
        }

        var fullDivisor = Vector256.Create((float)size);
        for (var n = 0; n < full; n++, right++, left++, write++)
        {
            var target = Target(keep, write, ref kept, out var copies);
            for (var c = 0; c < width; c += 8)
            {
                var sum = Vector256.LoadUnsafe(ref sum0, (nuint)c) + Vector256.LoadUnsafe(ref in0, (nuint)((right * width) + c));
                sum -= Vector256.LoadUnsafe(ref in0, (nuint)((left * width) + c));
                sum.StoreUnsafe(ref sum0, (nuint)c);
                Emit(ref out0, target, copies, width, c, sum, fullDivisor);
            }
        }

        for (var n = 0; n < rampDown; n++, left++, write++)
        {
            size--;
            var divisor = Vector256.Create((float)size);
            var target = Target(keep, write, ref kept, out var copies);
            for (var c = 0; c < width; c += 8)
            {
                var sum = Vector256.LoadUnsafe(ref sum0, (nuint)c) - Vector256.LoadUnsafe(ref in0, (nuint)((left * width) + c));
                sum.StoreUnsafe(ref sum0, (nuint)c);
                Emit(ref out0, target, copies, width, c, sum, divisor);
            }
        }
    }

    /// <summary>Where output line <paramref name="line"/> goes: its own line, or the kept lines sampling it (none, or several when an image is under 64 pixels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Target(ReadOnlySpan<int> keep, int line, ref int kept, out int copies)
    {
        if (keep.IsEmpty)
        {
            copies = 1;
            return line;
        }

        var first = kept;
        while (kept < keep.Length && keep[kept] == line)
        {
            kept++;
        }

        copies = kept - first;
        return first;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(ref float out0, int target, int copies, int width, int c, Vector256<float> sum, Vector256<float> divisor)
    {
        if (copies == 0)
        {
            return;
        }

        var value = sum / divisor;
        for (var k = 0; k < copies; k++)
        {
            value.StoreUnsafe(ref out0, (nuint)(((target + k) * width) + c));
        }
    }

    /// <summary>Transposes a height × width matrix (both multiples of 8) into width × height, 8×8 blocks at a time.</summary>
    private static void Transpose(ReadOnlySpan<float> input, int height, int width, Span<float> output)
    {
        ref var in0 = ref MemoryMarshal.GetReference(input);
        ref var out0 = ref MemoryMarshal.GetReference(output);
        for (var r = 0; r < height; r += 8)
        {
            for (var c = 0; c < width; c += 8)
            {
                if (Avx.IsSupported)
                {
                    TransposeBlock(ref Unsafe.Add(ref in0, (r * width) + c), width, ref Unsafe.Add(ref out0, (c * height) + r), height);
                }
                else
                {
                    for (var i = 0; i < 8; i++)
                    {
                        for (var j = 0; j < 8; j++)
                        {
                            Unsafe.Add(ref out0, ((c + j) * height) + r + i) = Unsafe.Add(ref in0, ((r + i) * width) + c + j);
                        }
                    }
                }
            }
        }
    }

    private static void TransposeBlock(ref float input, int inputStride, ref float output, int outputStride)
    {
        var r0 = Vector256.LoadUnsafe(ref input);
        var r1 = Vector256.LoadUnsafe(ref input, (nuint)inputStride);
        var r2 = Vector256.LoadUnsafe(ref input, (nuint)(2 * inputStride));
        var r3 = Vector256.LoadUnsafe(ref input, (nuint)(3 * inputStride));
        var r4 = Vector256.LoadUnsafe(ref input, (nuint)(4 * inputStride));
        var r5 = Vector256.LoadUnsafe(ref input, (nuint)(5 * inputStride));
        var r6 = Vector256.LoadUnsafe(ref input, (nuint)(6 * inputStride));
        var r7 = Vector256.LoadUnsafe(ref input, (nuint)(7 * inputStride));

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref output);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref output, (nuint)outputStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref output, (nuint)(2 * outputStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref output, (nuint)(3 * outputStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref output, (nuint)(4 * outputStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref output, (nuint)(5 * outputStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref output, (nuint)(6 * outputStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref output, (nuint)(7 * outputStride));
    }
}
