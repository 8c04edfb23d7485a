using System.Net.Http.Headers;
using SkiaSharp;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>Lookups are limited per caller, so one upload filter cannot starve the others.</summary>
public sealed class HashBankLimitTests : IAsyncLifetime
{
    private ComplianceHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ComplianceHost.StartAsync(true, null, "--HashBank:LookupsPerMinute", "3", "--Media:MaxLookupPixels", "10000");

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_caller_over_its_rate_gets_429_with_Retry_After_and_other_callers_are_unaffected()
    {
        var a = await _host.RegisterProviderAsync();
        var b = await _host.RegisterProviderAsync();
        var query = new { pdq = new string('a', 64) };

        var answers = new List<Reply>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await _host.PostAsync("/api/v1/hashbank/lookup", _host.Provider(a), query, idempotencyKey: null));
        }

        Assert.Equal([200, 200, 200], answers.Take(3).Select(r => r.Status));
        AssertProblem(answers[3], 429, "too-many-requests");
        Assert.Equal("1", answers[3].Headers.RetryAfter!.ToString());
        Assert.Equal(200, (await _host.PostAsync("/api/v1/hashbank/lookup", _host.Provider(b), query, idempotencyKey: null)).Status);
    }

    [Fact]
    public async Task A_lookup_image_over_the_lookup_pixel_limit_is_refused_before_decoding()
    {
        var provider = await _host.RegisterProviderAsync();
        using var image = new SKBitmap(200, 200);
        image.Erase(SKColors.Gray);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/hashbank/lookup") { Content = new ByteArrayContent(image.Encode(SKEncodedImageFormat.Png, 100).ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        var reply = await _host.SendAsync(request, _host.Provider(provider));

        AssertProblem(reply, 400, "validation-failed");
    }
}
