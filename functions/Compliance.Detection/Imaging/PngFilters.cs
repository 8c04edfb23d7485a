using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compliance.Detection.Imaging;

/// <summary>
/// Reverses PNG's five row filters (None, Sub, Up, Average, Paeth) in place, for 8-bit pixels of
/// 1, 3 or 4 bytes. Lossless, so any correct version gives the same bytes; this one is written for
/// speed because Paeth rows dominate photographs: one byte depends on the one before, so a grey row
/// keeps that byte in a register and chooses its predictor without branches (a mispredicted branch
/// a byte cost more than the arithmetic), and colour rows do a whole pixel a step in 16-bit lanes
/// (Sub, Average and Paeth alike).
/// </summary>
internal static class PngFilters
{
    /// <summary>
    /// Unfilters <paramref name="row"/> (its <paramref name="length"/> bytes after the filter byte)
    /// against the already unfiltered <paramref name="prior"/> row, null for the first row. Reads, but
    /// never writes, one byte past a row's end for 3-byte pixels. False for an unknown filter type.
    /// </summary>
    public static unsafe bool Undo(int filter, byte* row, byte* prior, int length, int pixelBytes)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                Sub(row, length, pixelBytes);
                return true;
            case 2:
                if (prior != null)
                {
                    Up(row, prior, length);
                }

                return true;
            case 3:
                Average(row, prior, length, pixelBytes);
                return true;
            case 4:
                // Without a prior row Paeth predicts from the left alone, as Sub does.
                if (prior == null)
                {
                    Sub(row, length, pixelBytes);
                }
                else if (pixelBytes == 1)
                {
                    PaethGrey(row, prior, length);
                }
                else
                {
                    PaethPixels(row, prior, length, pixelBytes);
                }

                return true;
            default:
                return false;
        }
    }

    private static unsafe void Sub(byte* row, int length, int pixelBytes)
    {
        if (pixelBytes == 1)
        {
            int left = row[0];
            for (var i = 1; i < length; i++)
            {
                left = (byte)(row[i] + left);
                row[i] = (byte)left;
            }

            return;
        }

        var previous = Vector128<short>.Zero;
        for (var i = 0; i < length; i += pixelBytes)
        {
            previous = Store(row + i, Widen(row + i) + previous, pixelBytes);
        }
    }

    private static unsafe void Up(byte* row, byte* prior, int length)
    {
        var i = 0;
        for (; i + Vector128<byte>.Count <= length; i += Vector128<byte>.Count)
        {
            (Vector128.Load(row + i) + Vector128.Load(prior + i)).Store(row + i);
        }

        for (; i < length; i++)
        {
            row[i] += prior[i];
        }
    }

    private static unsafe void Average(byte* row, byte* prior, int length, int pixelBytes)
    {
        if (prior == null)
        {
            for (var i = pixelBytes; i < length; i++)
            {
                row[i] += (byte)(row[i - pixelBytes] >> 1);
            }

            return;
        }

        for (var i = 0; i < pixelBytes; i++)
        {
            row[i] += (byte)(prior[i] >> 1);
        }

        if (pixelBytes == 1)
        {
            int left = row[0];
            for (var i = 1; i < length; i++)
            {
                left = (byte)(row[i] + ((left + prior[i]) >> 1));
                row[i] = (byte)left;
            }

            return;
        }

        var leftPixel = Widen(row);
        for (var i = pixelBytes; i < length; i += pixelBytes)
        {
            leftPixel = Store(row + i, Widen(row + i) + ((leftPixel + Widen(prior + i)) >>> 1), pixelBytes);
        }
    }

    /// <summary>Paeth for one-byte pixels; the mask arithmetic picks a, b or c as the specification's comparisons do, ties included.</summary>
    private static unsafe void PaethGrey(byte* row, byte* prior, int length)
    {
        int left = (byte)(row[0] + prior[0]);
        row[0] = (byte)left;
        int upLeft = prior[0];
        for (var i = 1; i < length; i++)
        {
            int up = prior[i];
            int pa = up - upLeft, pb = left - upLeft, pc = pa + pb;
            int sa = pa >> 31, sb = pb >> 31, sc = pc >> 31;
            pa = (pa ^ sa) - sa;
            pb = (pb ^ sb) - sb;
            pc = (pc ^ sc) - sc;
            var upIsNearer = (pb - pa) >> 31; // pb < pa: b, else a (a wins ties)
            var predictor = left ^ ((left ^ up) & upIsNearer);
            var nearest = pa ^ ((pa ^ pb) & upIsNearer);
            predictor ^= (predictor ^ upLeft) & ((pc - nearest) >> 31); // pc below both: c
            left = (byte)(row[i] + predictor);
            row[i] = (byte)left;
            upLeft = up;
        }
    }

    /// <summary>Paeth for 3- and 4-byte pixels, a pixel a step with each channel in its own 16-bit lane.</summary>
    private static unsafe void PaethPixels(byte* row, byte* prior, int length, int pixelBytes)
    {
        var left = Vector128<short>.Zero;
        var upLeft = Vector128<short>.Zero;
        for (var i = 0; i < length; i += pixelBytes)
        {
            var up = Widen(prior + i);
            var pa = up - upLeft;
            var pb = left - upLeft;
            var pc = Vector128.Abs(pa + pb);
            pa = Vector128.Abs(pa);
            pb = Vector128.Abs(pb);
            var upIsNearer = Vector128.LessThan(pb, pa);
            var predictor = Vector128.ConditionalSelect(upIsNearer, up, left);
            predictor = Vector128.ConditionalSelect(Vector128.LessThan(pc, Vector128.Min(pa, pb)), upLeft, predictor);
            left = Store(row + i, Widen(row + i) + predictor, pixelBytes);
            upLeft = up;
        }
    }

    /// <summary>Writes a pixel's lanes modulo 256 (3 or 4 bytes; never the byte after a 3-byte pixel) and returns them as stored.</summary>
    private static unsafe Vector128<short> Store(byte* pixel, Vector128<short> lanes, int pixelBytes)
    {
        lanes &= Vector128.Create((short)0xFF);
        var bytes = Vector128.Narrow(lanes, lanes).AsUInt32().ToScalar();
        if (pixelBytes == 4)
        {
            Unsafe.WriteUnaligned(pixel, bytes);
        }
        else
        {
            Unsafe.WriteUnaligned(pixel, (ushort)bytes);
            pixel[2] = (byte)(bytes >> 16);
        }

        return lanes;
    }

    /// <summary>Four bytes as four 16-bit lanes (a 3-byte pixel brings its neighbour's first byte along, unused).</summary>
    private static unsafe Vector128<short> Widen(byte* pixel) =>
        Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(pixel)).AsByte()).AsInt16();
}
