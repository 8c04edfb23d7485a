using Azure;
using Azure.Data.Tables;
using Compliance.Application;
using Compliance.Providers;

namespace Compliance.Infrastructure.Storage;

public sealed class TableProviderDirectory(ComplianceTables tables) : IProviderDirectory
{
    private const string Partition = "provider";

    public async Task<Provider?> FindAsync(string providerId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Providers, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, providerId, cancellationToken: cancellationToken);
        return row.HasValue ? ToProvider(row.Value!) : null;
    }

    public async Task<bool> TryAddAsync(Provider provider, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Providers, cancellationToken);
        return await ComplianceTables.TryAddAsync(
            table,
            new TableEntity(Partition, provider.Id)
            {
                ["Name"] = provider.Name,
                ["Jurisdiction"] = provider.Jurisdiction,
                ["Contact"] = provider.Contact,
                ["RegisteredAt"] = provider.RegisteredAt,
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<Provider>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Providers, cancellationToken);
        var providers = new List<Provider>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            providers.Add(ToProvider(row));
        }

        return providers;
    }

    private static Provider ToProvider(TableEntity e) =>
        new(e.RowKey, e.GetString("Name"), e.GetString("Jurisdiction"), e.GetString("Contact"), e.GetDateTimeOffset("RegisteredAt") ?? DateTimeOffset.MinValue);
}
