using Compliance.Access;
using Compliance.Application;
using Compliance.Functions.Http;
using Compliance.Infrastructure.Identity;
using Compliance.Infrastructure.Storage;
using Compliance.Regimes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compliance.Functions;

/// <summary>
/// Everything the function classes need, registered once and called by both hosts: the Functions
/// worker's Program.cs and the local host.
/// </summary>
public static class ComplianceComposition
{
    /// <summary>The connection setting for storage, in either Functions form (string, or __tableServiceUri etc.).</summary>
    public const string StorageConnectionName = "ComplianceStorage";

    public static IServiceCollection AddCompliance(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        var connection = StorageConnectionFrom(configuration);
        services.AddSingleton(_ => connection.CreateTableServiceClient());
        services.AddSingleton(_ => connection.CreateBlobServiceClient());
        services.AddSingleton(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
        services.AddSingleton<ComplianceTables>();
        services.AddSingleton<IOrderStore, TableOrderStore>();
        services.AddSingleton<IDeadlineIndex, TableDeadlineIndex>();
        services.AddSingleton<IProviderDirectory, TableProviderDirectory>();
        services.AddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.AddSingleton<StorageHealth>();

        var regimeFile = configuration["Regimes:File"] ?? Path.Combine(AppContext.BaseDirectory, "regimes.json");
        services.AddSingleton(_ => RegimeCatalog.Load(regimeFile));

        services.AddSingleton(configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions());
        services.AddSingleton<ICallerAuthenticator, JwtCallerAuthenticator>();

        services.AddSingleton<OrderService>();
        services.AddSingleton<ProviderService>();
        services.AddSingleton<SlaService>();
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<HttpApi>();
        return services;
    }

    public static StorageConnection StorageConnectionFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageConnectionName);
        static Uri? AsUri(string? value) => value is null ? null : new Uri(value);
        return section.Value is { Length: > 0 } connectionString
            ? new StorageConnection(connectionString, null, null, null)
            : new StorageConnection(null, AsUri(section["tableServiceUri"]), AsUri(section["blobServiceUri"]), section["clientId"]);
    }
}
