using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// The account's tables, each created on first use per process. Every transaction goes through
/// <see cref="SubmitAsync"/>, which applies Azure's rules even where Azurite would let a breach pass.
/// </summary>
public sealed class ComplianceTables(TableServiceClient service, StorageOptions options)
{
    public const int MaxBatchOperations = 100;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    public TableServiceClient Service => service;

    public Task<TableClient> GetAsync(string name, CancellationToken cancellationToken) =>
        _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(options.TablePrefix + n, cancellationToken))).Value;

    /// <summary>
    /// Every row under <paramref name="prefix"/> in each provider's partition of the Orders table: a
    /// key-range read per registered provider, so its cost is the rows found, not the orders stored.
    /// </summary>
    public async IAsyncEnumerable<TableEntity> InProviderPartitionsAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var orders = await GetAsync(TableNames.Orders, cancellationToken);
        var providers = await GetAsync(TableNames.Providers, cancellationToken);
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        await foreach (var provider in providers.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {provider.RowKey} and RowKey ge {prefix} and RowKey lt {end}");
            await foreach (var row in orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                yield return row;
            }
        }
    }

    public static async Task SubmitAsync(TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        EnsureWithinAzureLimits(actions);
        await table.SubmitTransactionAsync(actions, cancellationToken);
    }

    /// <summary>Adds the entity unless one with its keys exists; returns false then (a table's create-once write).</summary>
    public static async Task<bool> TryAddAsync(TableClient table, ITableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public static void EnsureWithinAzureLimits(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > MaxBatchOperations)
        {
            throw new InvalidOperationException($"A table transaction takes 1 to {MaxBatchOperations} operations, not {actions.Count}.");
        }

        var partition = actions[0].Entity.PartitionKey;
        if (actions.Any(a => a.Entity.PartitionKey != partition))
        {
            throw new InvalidOperationException("A table transaction must stay within one partition.");
        }

        var total = 0L;
        foreach (var action in actions)
        {
            var size = EntitySize.Estimate(action.Entity);
            if (size > MaxEntityBytes)
            {
                throw new InvalidOperationException($"Entity {action.Entity.RowKey} is about {size} bytes; Azure allows {MaxEntityBytes}.");
            }

            total += size;
        }

        if (total > MaxBatchBytes)
        {
            throw new InvalidOperationException($"The transaction is about {total} bytes; Azure allows {MaxBatchBytes}.");
        }
    }

    private async Task<TableClient> CreateAsync(string fullName, CancellationToken cancellationToken)
    {
        var table = service.GetTableClient(fullName);
        if (options.ProvisionedByDeployment)
        {
            return table;
        }

        try
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Created concurrently by another instance: exactly what was wanted.
        }
        catch
        {
            _tables.TryRemove(fullName[options.TablePrefix.Length..], out _);
            throw;
        }

        return table;
    }
}
