using Azure.Data.Tables;
using Compliance.Infrastructure.Storage;

namespace Compliance.Api.Tests;

/// <summary>Azure's transaction rules, enforced in code because Azurite accepts some batches Azure refuses.</summary>
public sealed class TableLimitTests
{
    private static TableTransactionAction Add(string partition, string row, string? payload = null) =>
        new(TableTransactionActionType.Add, new TableEntity(partition, row) { ["Payload"] = payload ?? "x" });

    [Fact]
    public void A_batch_across_partitions_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComplianceTables.EnsureWithinAzureLimits([Add("a", "1"), Add("b", "1")]));
        Assert.Contains("one partition", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_hundred_operations_are_refused()
    {
        var actions = Enumerable.Range(0, 101).Select(i => Add("a", i.ToString())).ToList();

        Assert.Throws<InvalidOperationException>(() => ComplianceTables.EnsureWithinAzureLimits(actions));
        ComplianceTables.EnsureWithinAzureLimits(actions[..100]);
    }

    [Fact]
    public void An_entity_over_one_MiB_is_refused()
    {
        var big = new TableEntity("a", "1");
        for (var i = 0; i < 20; i++)
        {
            big[$"P{i}"] = new string('x', 30_000);
        }

        Assert.Throws<InvalidOperationException>(() => ComplianceTables.EnsureWithinAzureLimits([new TableTransactionAction(TableTransactionActionType.Add, big)]));
    }

    [Fact]
    public async Task Azurite_itself_would_have_accepted_the_cross_partition_batch()
    {
        // Documents why the guard exists: if this starts failing, Azurite has become strict.
        var table = new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient("x" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        try
        {
            await table.SubmitTransactionAsync([Add("a", "1"), Add("b", "1")]);
            var rows = table.QueryAsync<TableEntity>().ToBlockingEnumerable().Count();
            Assert.Equal(2, rows);
        }
        finally
        {
            await table.DeleteAsync();
        }
    }
}
