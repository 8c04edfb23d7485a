using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Compliance.LocalHost;

/// <summary>
/// Lets the console upload evidence from the browser straight to Azurite's SAS URLs, which are on
/// another origin (another port). In Azure, Bicep sets the same rule for the console's origins.
/// </summary>
public sealed partial class ConsoleUploadCors(BlobServiceClient blobs, ILogger<ConsoleUploadCors> logger) : BackgroundService
{
    /// <summary>In the background: a host whose storage is down (tests of 503s) must still start.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await AllowUploadsAsync(stoppingToken);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set the blob CORS rule for console uploads ({Error}).")]
    private static partial void LogFailed(ILogger logger, string error);

    private async Task AllowUploadsAsync(CancellationToken cancellationToken)
    {
        var properties = (await blobs.GetPropertiesAsync(cancellationToken)).Value;
        properties.Cors =
        [
            new BlobCorsRule
            {
                // Any origin: the local host's port changes per run (tests pick a free one), and the SAS itself is the credential.
                AllowedOrigins = "*",
                AllowedMethods = "PUT,OPTIONS",
                AllowedHeaders = "content-type,x-ms-blob-type,x-ms-version,x-ms-client-request-id",
                ExposedHeaders = "etag",
                MaxAgeInSeconds = 600,
            },
        ];
        await blobs.SetPropertiesAsync(properties, cancellationToken);
    }
}
