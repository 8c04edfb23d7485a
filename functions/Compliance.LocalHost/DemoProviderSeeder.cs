using Compliance.Application;
using Compliance.Providers;

namespace Compliance.LocalHost;

/// <summary>Registers two demo providers so a fresh local system can be tried at once (infra/run).</summary>
public sealed class DemoProviderSeeder(IProviderDirectory directory, TimeProvider time) : IHostedService
{
    public static readonly IReadOnlyList<(string Id, string Name, string Jurisdiction, string Contact)> Demo =
    [
        ("prov-a", "Demo Provider A", "KR", "trust-safety@prov-a.example"),
        ("prov-b", "Demo Provider B", "EU", "legal@prov-b.example"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, name, jurisdiction, contact) in Demo)
        {
            await directory.TryAddAsync(new Provider(id, name, jurisdiction, contact, time.GetUtcNow()), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
