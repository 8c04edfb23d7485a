using Compliance.Access;
using Compliance.Application;
using Compliance.Cases;
using Compliance.Infrastructure.AuditLog;
using Compliance.Infrastructure.Cases;
using Compliance.Functions.Http;
using Compliance.Functions.WebConsole;
using Compliance.Infrastructure.Identity;
using Compliance.Detection;
using Compliance.Detection.Faces;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Messaging;
using Compliance.Media;
using Compliance.Infrastructure.Storage;
using Compliance.Regimes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Compliance.Functions;

/// <summary>
/// Everything the function classes need, registered once and called by both hosts: the Functions
/// worker's Program.cs and the local host.
/// </summary>
public static class ComplianceComposition
{
    /// <summary>The connection setting for storage, in either Functions form (string, or __tableServiceUri etc.).</summary>
    public const string StorageConnectionName = "ComplianceStorage";

    public const string AuditStorageConnectionName = "AuditStorage";

    public const string ServiceBusConnectionName = "ServiceBus";

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
        services.AddSingleton<IOrderReceipts, TableOrderReceipts>();
        services.AddSingleton<IAdvanceInformationLog, TableAdvanceInformationLog>();
        services.AddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.AddSingleton<StorageHealth>();

        var regimeFile = configuration["Regimes:File"] ?? Path.Combine(AppContext.BaseDirectory, "regimes.json");
        services.AddSingleton(_ => RegimeCatalog.Load(regimeFile));

        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        auth.RefuseDevelopmentKeyOutsideDevelopment(configuration["WEBSITE_SITE_NAME"], configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"]);
        services.AddSingleton(auth);
        services.AddSingleton<ICallerAuthenticator, JwtCallerAuthenticator>();
        services.AddSingleton(configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions());
        services.AddSingleton(new ConsoleFiles(configuration["Console:Files"]));

        var serviceBus = ServiceBusConnectionFrom(configuration);
        services.AddSingleton(serviceBus);
        services.AddSingleton((configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions()).Validated());
        services.AddSingleton<IEventOutbox, TableEventOutbox>();
        services.AddSingleton<IEventPublisher, ServiceBusEventPublisher>();
        services.AddSingleton<OrderEventRelay>();
        services.AddSingleton<ProviderResponseHandler>();
        services.AddHostedService<ProviderResponseListener>();

        AddDetection(services, configuration);

        services.AddSingleton<OrderService>();
        services.AddSingleton<ProviderService>();
        services.AddSingleton<SlaService>();
        services.AddSingleton<DeadlineSweep>();
        AddCases(services, configuration);
        AddAuditLog(services, configuration);
        AddTelemetry(services, configuration);
        // The archive may live in an account of its own (Azure: a WORM account apart from the data).
        var auditStorage = configuration.GetSection(AuditStorageConnectionName).Exists() ? StorageConnectionFrom(configuration, AuditStorageConnectionName) : null;
        services.AddSingleton<IAuditArchive>(sp => new BlobAuditArchive(
            auditStorage?.CreateBlobServiceClient() ?? sp.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>(),
            configuration["AuditContainer"] ?? "audit",
            createContainer: !sp.GetRequiredService<StorageOptions>().ProvisionedByDeployment));
        services.AddSingleton<AuditLogExporter>();
        services.AddSingleton<HttpApi>();
        return services;
    }

    /// <summary>
    /// Traces (HTTP, the Azure SDK's Table, Blob and Service Bus spans, the system's own) and metrics,
    /// to Application Insights when its connection string is set (Azure) and to the console when
    /// Telemetry:Console is (infra/run). The HTTP spans keep the route and status, not the query's
    /// values (the instrumentation redacts them), nor any body.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        // The Azure SDKs publish their spans only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var console = configuration.GetValue<bool>("Telemetry:Console");
        // Application Insights has local auth off: the exporter signs in as the app's identity (Bicep sets ClientId=…;Authorization=AAD).
        var clientId = (configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] ?? string.Empty).Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "ClientId")?[1];
        void Exporter(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = appInsights;
            if (clientId is not null)
            {
                o.Credential = new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId));
            }
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("compliance"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Compliance.Telemetry.ComplianceTelemetry.Name, "Azure.Data.Tables.*", "Azure.Storage.Blobs.*", "Azure.Messaging.ServiceBus.*")
                    .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = (activity, _) =>
                    {
                        // The path as its route template: ids of orders and victims' cases stay out of telemetry.
                        if (activity.GetTagItem("http.route") is string route)
                        {
                            activity.SetTag("url.path", route);
                        }
                    });
                if (!string.IsNullOrEmpty(appInsights))
                {
                    tracing.AddAzureMonitorTraceExporter(Exporter);
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Compliance.Telemetry.ComplianceTelemetry.Name).AddAspNetCoreInstrumentation();
                if (!string.IsNullOrEmpty(appInsights))
                {
                    metrics.AddAzureMonitorMetricExporter(Exporter);
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
    }

    private static void AddAuditLog(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions();
        if (options.SigningKeyUri is { } keyUri)
        {
            // Read from the vault when first used, not at start-up: the host starts even while the vault is slow.
            services.AddSingleton<Compliance.AuditLog.ICheckpointSigner>(_ => new KeyVaultCheckpointSigner(keyUri,
                options.ClientId is null ? new Azure.Identity.DefaultAzureCredential() : new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(options.ClientId))));
        }
        else
        {
            var signer = EcdsaCheckpointSigner.FromPrivateKeyPem(options.SigningKey ?? throw new InvalidOperationException("Audit:SigningKeyUri (a Key Vault key) or Audit:SigningKey (a PKCS#8 PEM P-256 key) must be configured."));
            options.RefuseDevelopmentKeyOutsideDevelopment(configuration["WEBSITE_SITE_NAME"], configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"], signer.KeyId);
            services.AddSingleton<Compliance.AuditLog.ICheckpointSigner>(signer);
        }

        services.AddSingleton(new Compliance.AuditLog.FormerCheckpointKeys(options.FormerPublicKeys.Select(EcdsaCheckpointSigner.FromPublicKeyPem).ToList()));
        services.AddSingleton<Compliance.AuditLog.IAuditLog, TableAuditLog>();
        services.AddSingleton<Compliance.AuditLog.AuditLogService>();
    }

    private static void AddCases(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(CaseOptions.Section).Get<CaseOptions>() ?? new CaseOptions();
        options.RefuseDevelopmentKeyOutsideDevelopment(configuration["WEBSITE_SITE_NAME"], configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"]);
        services.AddSingleton(options);
        services.AddSingleton<ICaseSecrets, CaseSecrets>();
        services.AddSingleton<ICaseStore, TableCaseStore>();
        services.AddSingleton<IMatchReportStore, TableMatchReportStore>();
        services.AddSingleton<CaseService>();
        services.AddSingleton<MatchReportService>();
        services.AddSingleton<CaseStatusLimit>();
    }

    private static void AddDetection(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(HashBankLookupOptions.Section).Get<HashBankLookupOptions>() ?? new HashBankLookupOptions());
        services.AddSingleton<HashBankLookupLimit>();
        var media = configuration.GetSection(MediaOptions.Section).Get<MediaOptions>() ?? new MediaOptions();
        var detection = configuration.GetSection(DetectionOptions.Section).Get<DetectionOptions>() ?? new DetectionOptions();
        services.AddSingleton(media);
        services.AddSingleton(new MediaContainers(configuration["MediaIncomingContainer"] ?? "media-incoming", configuration["MediaQuarantineContainer"] ?? "media-quarantine"));
        services.AddSingleton<IMediaStore, TableMediaStore>();
        services.AddSingleton<IMediaBlobs, BlobMediaStorage>();
        services.AddSingleton(sp => new HashBankSnapshots(sp.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>(), sp.GetRequiredService<StorageOptions>(), configuration["HashBankSnapshotContainer"] ?? HashBankSnapshots.DefaultContainer));
        services.AddSingleton<IHashBank, TableHashBank>();

        // Manifests are read and their model files checked now, so a tampered model stops start-up.
        var models = detection.ModelDirectory ?? Path.Combine(AppContext.BaseDirectory, "models");
        var faceModel = ModelManifest.Load(Path.Combine(models, detection.FaceModel));
        var classifierModels = detection.Classifiers.Select(c => ModelManifest.Load(Path.Combine(models, c))).ToList();
        services.AddSingleton(_ => new BlazeFaceDetector(faceModel, detection.IntraOpThreads));
        services.AddSingleton<IReadOnlyList<OnnxClassifier>>(_ => classifierModels.Select(m => new OnnxClassifier(m, detection.IntraOpThreads)).ToList());
        services.AddSingleton(new VideoFrames(detection.Ffmpeg, detection.Ffprobe, detection.FfmpegTimeout));
        services.AddSingleton<MediaAnalyser>();
        services.AddSingleton<IMediaAnalyser>(sp => sp.GetRequiredService<MediaAnalyser>());
        services.AddSingleton<IImageLookupHasher>(sp => sp.GetRequiredService<MediaAnalyser>());
        services.AddSingleton<MediaService>();
    }

    /// <summary>The ServiceBus setting: a connection string (local broker) or __fullyQualifiedNamespace; absent means events wait in the outbox.</summary>
    public static ServiceBusConnection ServiceBusConnectionFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServiceBusConnectionName);
        return section.Value is { Length: > 0 } connectionString
            ? new ServiceBusConnection(connectionString, null, null)
            : new ServiceBusConnection(null, section["fullyQualifiedNamespace"], section["clientId"]);
    }

    public static StorageConnection StorageConnectionFrom(IConfiguration configuration, string name = StorageConnectionName)
    {
        var section = configuration.GetSection(name);
        static Uri? AsUri(string? value) => value is null ? null : new Uri(value);
        return section.Value is { Length: > 0 } connectionString
            ? new StorageConnection(connectionString, null, null, null)
            : new StorageConnection(null, AsUri(section["tableServiceUri"]), AsUri(section["blobServiceUri"]), section["clientId"]);
    }
}
