namespace Compliance.Infrastructure.Storage;

/// <summary>Where Compliance keeps its tables; a prefix lets tests and tenants share one account.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Alphanumeric prefix for every table name.</summary>
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>
    /// True where the deployment creates every table and container (Bicep) and the app's roles are
    /// scoped to each of them: the app then never tries to create one, which those roles would refuse.
    /// </summary>
    public bool ProvisionedByDeployment { get; set; }

    /// <summary>How far back the first sweep looks for deadlines when it has no watermark yet.</summary>
    public TimeSpan SweepLookback { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long an unfinished idempotent request holds its key before a retry may take over.</summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a finished request's response is replayed for its key.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);
}
