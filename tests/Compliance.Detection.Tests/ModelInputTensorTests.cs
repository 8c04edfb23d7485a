using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Compliance.Detection.Tests;

/// <summary>
/// The letterbox and crop tensors, summed per row of footprints, against the per-pixel
/// implementation they replaced (kept below as the oracle): every value equal, for grey and RGBA
/// images that shrink, enlarge, and shrink along one axis only.
/// </summary>
public sealed class ModelInputTensorTests
{
    [Theory]
    [InlineData(1411, 1411, false)]
    [InlineData(741, 500, true)]
    [InlineData(371, 90, false)]
    [InlineData(60, 40, true)]
    [InlineData(300, 20, true)]
    public void Letterbox_and_crop_equal_the_per_pixel_reference(int width, int height, bool grey)
    {
        var random = new Random(width * height);
        var pixels = new byte[width * height * (grey ? 1 : 4)];
        random.NextBytes(pixels);
        var image = grey ? RasterImage.Grey(width, height, pixels) : RasterImage.Rgba(width, height, pixels);
        var input = new ModelInput("input", [1, 128, 128, 3], TensorLayout.Nhwc, 1 / 127.5, -1, "RGB");
        var planar = new ModelInput("input", [1, 3, 96, 112], TensorLayout.Nchw, 1 / 255.0, 0, "BGR");

        var (tensor, box) = ModelInputTensor.Letterboxed(image, input);
        var scale = Math.Min((double)input.Width / width, (double)input.Height / height);
        var expected = PerPixel.Fill(image, input, 0, 0, width, height, new Letterbox(scale, (input.Width - (width * scale)) / 2, (input.Height - (height * scale)) / 2));

        Assert.Equal(expected.Buffer.ToArray(), tensor.Buffer.ToArray());
        Assert.Equal(
            PerPixel.Fill(image, planar, width / 5.0, height / 7.0, width / 2.0, height / 3.0, new Letterbox(0, 0, 0), stretch: true).Buffer.ToArray(),
            ModelInputTensor.Crop(image, planar, width / 5.0, height / 7.0, width / 2.0, height / 3.0).Buffer.ToArray());
        Assert.Equal(scale, box.Scale);
    }

    private static class PerPixel
    {
        internal static DenseTensor<float> Fill(RasterImage image, ModelInput input, double x0, double y0, double width, double height, Letterbox box, bool stretch = false)
        {
            var tensor = new DenseTensor<float>(input.Shape);
            var bgr = input.Channels.Equals("BGR", StringComparison.OrdinalIgnoreCase);
            var padding = (float)input.Offset; // a 0-valued (black) pixel after normalisation
            for (var ty = 0; ty < input.Height; ty++)
            {
                for (var tx = 0; tx < input.Width; tx++)
                {
                    // The target pixel's footprint in source pixels.
                    double left, top, right, bottom;
                    if (stretch)
                    {
                        left = x0 + (tx * width / input.Width);
                        right = x0 + ((tx + 1) * width / input.Width);
                        top = y0 + (ty * height / input.Height);
                        bottom = y0 + ((ty + 1) * height / input.Height);
                    }
                    else
                    {
                        left = (tx - box.PadX) / box.Scale;
                        right = (tx + 1 - box.PadX) / box.Scale;
                        top = (ty - box.PadY) / box.Scale;
                        bottom = (ty + 1 - box.PadY) / box.Scale;
                        var centreX = (left + right) / 2;
                        var centreY = (top + bottom) / 2;
                        if (centreX < 0 || centreY < 0 || centreX >= image.Width || centreY >= image.Height)
                        {
                            ModelInputTensor.Set(tensor, input, ty, tx, padding, padding, padding);
                            continue;
                        }
                    }

                    var (r, g, b) = Sample(image, left, top, right, bottom);
                    var nr = (float)((r * input.Scale) + input.Offset);
                    var ng = (float)((g * input.Scale) + input.Offset);
                    var nb = (float)((b * input.Scale) + input.Offset);
                    ModelInputTensor.Set(tensor, input, ty, tx, bgr ? nb : nr, ng, bgr ? nr : nb);
                }
            }

            return tensor;
        }

        /// <summary>
        /// Averages the source pixels under the footprint when shrinking (no aliasing), and samples
        /// bilinearly at its centre when enlarging.
        /// </summary>
        private static (double R, double G, double B) Sample(RasterImage image, double left, double top, double right, double bottom)
        {
            if (right - left <= 1 || bottom - top <= 1)
            {
                return ModelInputTensor.Bilinear(image, ((left + right) / 2) - 0.5, ((top + bottom) / 2) - 0.5);
            }

            int x0 = Math.Clamp((int)Math.Floor(left), 0, image.Width - 1), x1 = Math.Clamp((int)Math.Ceiling(right), x0 + 1, image.Width);
            int y0 = Math.Clamp((int)Math.Floor(top), 0, image.Height - 1), y1 = Math.Clamp((int)Math.Ceiling(bottom), y0 + 1, image.Height);
            // Straight over the pixel buffer, row by row: this loop reads every source pixel of a large
            // image, and a call per pixel made it most of a detection's time. Integer sums are exact, so
            // the averages are the same as before to the last bit.
            long r = 0, g = 0, b = 0;
            var pixels = image.Pixels;
            var step = image.IsGrey ? 1 : 4;
            for (var y = y0; y < y1; y++)
            {
                var end = ((y * image.Width) + x1) * step;
                for (var i = ((y * image.Width) + x0) * step; i < end; i += step)
                {
                    r += pixels[i];
                    if (step == 4)
                    {
                        g += pixels[i + 1];
                        b += pixels[i + 2];
                    }
                }
            }

            if (step == 1)
            {
                (g, b) = (r, r);
            }

            var n = (double)(x1 - x0) * (y1 - y0);
            return (r / n, g / n, b / n);
        }
    }
}
