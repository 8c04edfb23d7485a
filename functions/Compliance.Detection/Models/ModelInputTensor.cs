using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Compliance.Detection.Imaging;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Compliance.Detection.Models;

/// <summary>Turns an image region into a model's input tensor: bilinear resize, channel order, layout, normalisation.</summary>
public static class ModelInputTensor
{
    /// <summary>Letterboxes the whole image (aspect kept, centred) and returns the transform back to image pixels.</summary>
    public static (DenseTensor<float> Tensor, Letterbox Box) Letterboxed(RasterImage image, ModelInput input) =>
        Letterboxed(image, input, new float[Length(input)]);

    /// <summary>As <see cref="Letterboxed(RasterImage, ModelInput)"/>, into the caller's buffer (every value is written).</summary>
    public static (DenseTensor<float> Tensor, Letterbox Box) Letterboxed(RasterImage image, ModelInput input, Memory<float> buffer)
    {
        var scale = Math.Min((double)input.Width / image.Width, (double)input.Height / image.Height);
        var box = new Letterbox(scale, (input.Width - (image.Width * scale)) / 2, (input.Height - (image.Height * scale)) / 2);
        return (Fill(image, input, 0, 0, image.Width, image.Height, box, buffer), box);
    }

    /// <summary>A region of the image stretched to the input size (for face crops).</summary>
    public static DenseTensor<float> Crop(RasterImage image, ModelInput input, double x, double y, double width, double height)
    {
        var box = new Letterbox(0, 0, 0);
        return Fill(image, input, x, y, width, height, box, new float[Length(input)], stretch: true);
    }

    /// <summary>The number of values in the input tensor.</summary>
    public static int Length(ModelInput input) => input.Shape.Aggregate(1, (product, dimension) => product * dimension);

    private static DenseTensor<float> Fill(RasterImage image, ModelInput input, double x0, double y0, double width, double height, Letterbox box, Memory<float> buffer, bool stretch = false)
    {
        var tensor = new DenseTensor<float>(buffer[..Length(input)], input.Shape);
        var bgr = input.Channels.Equals("BGR", StringComparison.OrdinalIgnoreCase);
        var padding = (float)input.Offset; // a 0-valued (black) pixel after normalisation

        // Each target pixel's footprint in source pixels is a column span times a row span, so both
        // are worked out once per column and once per row (the same expressions as per pixel).
        var columns = Footprints(input.Width, image.Width, tx => stretch ? x0 + (tx * width / input.Width) : (tx - box.PadX) / box.Scale, stretch);
        var rows = Footprints(input.Height, image.Height, ty => stretch ? y0 + (ty * height / input.Height) : (ty - box.PadY) / box.Scale, stretch);
        var sums = new long[input.Width * 3];
        for (var ty = 0; ty < input.Height; ty++)
        {
            var row = rows[ty];
            if (!row.Outside && !row.Bilinear)
            {
                SumRows(image, row.First, row.End, columns, sums);
            }

            for (var tx = 0; tx < input.Width; tx++)
            {
                var column = columns[tx];
                if (row.Outside || column.Outside)
                {
                    Set(tensor, input, ty, tx, padding, padding, padding);
                    continue;
                }

                double r, g, b;
                if (row.Bilinear || column.Bilinear)
                {
                    (r, g, b) = Bilinear(image, ((column.Left + column.Right) / 2) - 0.5, ((row.Left + row.Right) / 2) - 0.5);
                }
                else
                {
                    // Shrinking: the mean of the source pixels under the footprint (no aliasing).
                    var n = (double)(column.End - column.First) * (row.End - row.First);
                    (r, g, b) = (sums[tx * 3] / n, sums[(tx * 3) + 1] / n, sums[(tx * 3) + 2] / n);
                }

                var nr = (float)((r * input.Scale) + input.Offset);
                var ng = (float)((g * input.Scale) + input.Offset);
                var nb = (float)((b * input.Scale) + input.Offset);
                Set(tensor, input, ty, tx, bgr ? nb : nr, ng, bgr ? nr : nb);
            }
        }

        return tensor;
    }

    /// <summary>
    /// One axis of the target pixels' footprints: [Left, Right) in source coordinates, the whole
    /// source pixels [First, End) it covers, whether the target enlarges there (a span of at most one
    /// pixel, sampled bilinearly at its centre) and whether its centre falls outside the image (the
    /// letterbox's padding; never when stretching a crop).
    /// </summary>
    private readonly record struct Footprint(double Left, double Right, int First, int End, bool Bilinear, bool Outside);

    private static Footprint[] Footprints(int targets, int sourceSize, Func<int, double> edge, bool stretch)
    {
        var footprints = new Footprint[targets];
        for (var t = 0; t < targets; t++)
        {
            double left = edge(t), right = edge(t + 1);
            var centre = (left + right) / 2;
            var first = Math.Clamp((int)Math.Floor(left), 0, sourceSize - 1);
            var end = Math.Clamp((int)Math.Ceiling(right), first + 1, sourceSize);
            footprints[t] = new Footprint(left, right, first, end, right - left <= 1, !stretch && (centre < 0 || centre >= sourceSize));
        }

        return footprints;
    }

    /// <summary>
    /// The sums of every target column's footprint over source rows [first, end): the rows are first
    /// added down, byte by byte across the whole width with vector adds, and each footprint is then
    /// summed once across that. A 1411-pixel-square photo shrunk to 128 has footprints 11 rows deep, so
    /// this does a tenth of the scalar additions that summing each footprint row by row did.
    /// </summary>
    private static void SumRows(RasterImage image, int first, int end, Footprint[] columns, long[] sums)
    {
        var channels = image.IsGrey ? 1 : 4;
        var width = image.Width * channels;
        var down = ColumnSums(width);
        Array.Clear(down, 0, width);
        var pixels = image.Pixels.AsSpan();
        for (var y = first; y < end; y++)
        {
            AddRow(pixels.Slice(y * width, width), down.AsSpan(0, width));
        }

        Array.Clear(sums);
        for (var tx = 0; tx < columns.Length; tx++)
        {
            var column = columns[tx];
            if (column.Bilinear || column.Outside)
            {
                continue;
            }

            long r = 0, g = 0, b = 0;
            if (channels == 1)
            {
                for (var x = column.First; x < column.End; x++)
                {
                    r += down[x];
                }

                (g, b) = (r, r);
            }
            else
            {
                for (var i = column.First * 4; i < column.End * 4; i += 4)
                {
                    r += down[i];
                    g += down[i + 1];
                    b += down[i + 2];
                }
            }

            sums[tx * 3] += r;
            sums[(tx * 3) + 1] += g;
            sums[(tx * 3) + 2] += b;
        }
    }

    [ThreadStatic]
    private static int[]? _columnSums;

    private static int[] ColumnSums(int width) =>
        _columnSums is { } sums && sums.Length >= width ? sums : _columnSums = new int[width];

    /// <summary>Adds one row of bytes into the running column sums, 32 bytes a step.</summary>
    private static void AddRow(ReadOnlySpan<byte> line, Span<int> down)
    {
        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var source = ref MemoryMarshal.GetReference(line);
            ref var target = ref MemoryMarshal.GetReference(down);
            for (; x + 32 <= line.Length; x += 32)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)x));
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                (Vector256.LoadUnsafe(ref target, (nuint)x) + a.AsInt32()).StoreUnsafe(ref target, (nuint)x);
                (Vector256.LoadUnsafe(ref target, (nuint)x + 8) + b.AsInt32()).StoreUnsafe(ref target, (nuint)x + 8);
                (Vector256.LoadUnsafe(ref target, (nuint)x + 16) + c.AsInt32()).StoreUnsafe(ref target, (nuint)x + 16);
                (Vector256.LoadUnsafe(ref target, (nuint)x + 24) + d.AsInt32()).StoreUnsafe(ref target, (nuint)x + 24);
            }
        }

        for (; x < line.Length; x++)
        {
            down[x] += line[x];
        }
    }

    /// <summary>
    /// Writes one pixel straight into the tensor's buffer: the tensor's own indexer recomputes every
    /// stride on each of the 3 × width × height writes, which cost more than the model's inference.
    /// </summary>
    internal static void Set(DenseTensor<float> tensor, ModelInput input, int y, int x, float c0, float c1, float c2)
    {
        var buffer = tensor.Buffer.Span;
        if (input.Layout == TensorLayout.Nhwc)
        {
            var i = ((y * input.Width) + x) * 3;
            buffer[i] = c0;
            buffer[i + 1] = c1;
            buffer[i + 2] = c2;
        }
        else
        {
            var plane = input.Width * input.Height;
            var i = (y * input.Width) + x;
            buffer[i] = c0;
            buffer[plane + i] = c1;
            buffer[(2 * plane) + i] = c2;
        }
    }

    internal static (double R, double G, double B) Bilinear(RasterImage image, double x, double y)
    {
        x = Math.Clamp(x, 0, image.Width - 1);
        y = Math.Clamp(y, 0, image.Height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, image.Width - 1), y1 = Math.Min(y0 + 1, image.Height - 1);
        double fx = x - x0, fy = y - y0;
        var p00 = image.Rgb(x0, y0);
        var p10 = image.Rgb(x1, y0);
        var p01 = image.Rgb(x0, y1);
        var p11 = image.Rgb(x1, y1);
        double Mix(byte a, byte b, byte c, byte d) => (a * (1 - fx) * (1 - fy)) + (b * fx * (1 - fy)) + (c * (1 - fx) * fy) + (d * fx * fy);
        return (Mix(p00.R, p10.R, p01.R, p11.R), Mix(p00.G, p10.G, p01.G, p11.G), Mix(p00.B, p10.B, p01.B, p11.B));
    }
}

/// <summary>Maps model-input pixels back to image pixels: image = (input - pad) / scale.</summary>
public sealed record Letterbox(double Scale, double PadX, double PadY);
