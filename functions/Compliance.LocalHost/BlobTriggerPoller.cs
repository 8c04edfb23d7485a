using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.Infrastructure.Storage;

namespace Compliance.LocalHost;

/// <summary>
/// Runs blob-triggered functions by polling their container (Azurite has no Event Grid). Each blob
/// version is processed once: a receipt keyed by name and ETag is written after success; a blob
/// whose function keeps failing is given up after <see cref="MaxAttempts"/> tries, as the host's
/// poison handling does, never retried forever.
/// </summary>
public sealed partial class BlobTriggerPoller(
    FunctionCatalog catalog,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    BlobServiceClient blobs,
    ComplianceTables tables,
    ILogger<BlobTriggerPoller> logger) : BackgroundService
{
    public const int MaxAttempts = 5;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(configuration.GetValue("LocalHost:BlobPollMilliseconds", 500));
        return Task.WhenAll(catalog.Blobs.Select(function => PollAsync(function, interval, stoppingToken)));
    }

    private async Task PollAsync(BlobFunction function, TimeSpan interval, CancellationToken stoppingToken)
    {
        var path = Resolve(function.Path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = blobs.GetBlobContainerClient(path[..slash]);
        var pattern = Pattern(path[(slash + 1)..]);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await container.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                var receipts = await tables.GetAsync(TableNames.BlobReceipts, stoppingToken);
                await foreach (var blob in container.GetBlobsAsync(cancellationToken: stoppingToken))
                {
                    var match = pattern.Match(blob.Name);
                    if (match.Success)
                    {
                        await ProcessAsync(function, container.GetBlobClient(blob.Name), blob.Properties.ETag!.Value.ToString(), match, receipts, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException)
            {
                LogPollFailure(logger, function.Name, e.GetType().Name);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ProcessAsync(BlobFunction function, BlobClient blob, string etag, Match match, TableClient receipts, CancellationToken stoppingToken)
    {
        var key = Uri.EscapeDataString(blob.Name);
        var receipt = await receipts.GetEntityIfExistsAsync<TableEntity>(function.Name, key, cancellationToken: stoppingToken);
        var attempts = 0;
        if (receipt.HasValue && receipt.Value!.GetString("BlobETag") == etag)
        {
            if (receipt.Value.GetBoolean("Done") == true || (receipt.Value.GetInt32("Attempts") ?? 0) >= MaxAttempts)
            {
                return;
            }

            attempts = receipt.Value.GetInt32("Attempts") ?? 0;
        }

        var done = false;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var content = await blob.OpenReadAsync(cancellationToken: stoppingToken);
            var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
            var arguments = function.Method.GetParameters()
                .Select(p => p.ParameterType == typeof(Stream) ? content : p.ParameterType == typeof(CancellationToken) ? stoppingToken : (object?)match.Groups[p.Name!].Value)
                .ToArray();
            if (function.Method.Invoke(target, arguments) is Task task)
            {
                await task;
            }

            done = true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            done = true; // the function moved or deleted the blob in an earlier attempt
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            LogFailure(logger, function.Name, attempts + 1, error.GetType().FullName);
        }

        await receipts.UpsertEntityAsync(
            new TableEntity(function.Name, key) { ["BlobETag"] = etag, ["Done"] = done, ["Attempts"] = attempts + 1 },
            TableUpdateMode.Replace,
            stoppingToken);
    }

    private string Resolve(string path) =>
        SettingReference().Replace(path, m => configuration[m.Groups[1].Value] ?? throw new InvalidOperationException($"Setting '{m.Groups[1].Value}' is not configured."));

    /// <summary>{name} segments become named groups that bind to the function's string parameters.</summary>
    private static Regex Pattern(string namePattern) =>
        new("^" + Regex.Replace(Regex.Escape(namePattern), @"\\\{(\w+)}", "(?<$1>[^/]+)") + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob function {Name} failed (attempt {Attempt}) with {ExceptionType}")]
    private static partial void LogFailure(ILogger logger, string name, int attempt, string? exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling for blob function {Name} failed with {ExceptionType}")]
    private static partial void LogPollFailure(ILogger logger, string name, string exceptionType);
}
