using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Compliance.Application;
using Compliance.AuditLog;
using Compliance.Cli;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>The signed log across all orders, against Azurite: checkpoints, proofs, and an auditor's verification that catches an operator.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Checkpoints_sign_every_change_and_the_proofs_verify_against_them()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var first = (await host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        var second = (await host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        await host.PostAsync($"/api/v1/orders/{second}/acknowledgement", host.Provider(provider), null);
        await host.PostAsync($"/api/v1/orders/{second}/confirmation", host.Provider(provider), new { removedAt = host.Clock.GetUtcNow(), action = "removed" });
        var audit = host.Services.GetRequiredService<AuditLogService>();
        AssertProblem(await host.GetAsync("/api/v1/audit/checkpoints/latest", host.Regulator), 404, "not-found");

        await audit.SequenceAndCheckpointAsync(CancellationToken.None);
        var latest = await host.GetAsync("/api/v1/audit/checkpoints/latest", host.Regulator);

        Assert.Equal(200, latest.Status);
        Assert.Equal(4, latest.Json.GetProperty("treeSize").GetInt64());
        var root1 = latest.Str("rootHash");
        using (var key = ECDsa.Create())
        {
            key.ImportFromPem(latest.Str("publicKey"));
            var body = SignedCheckpoint.Body(4, root1, latest.Json.GetProperty("timestamp").GetDateTimeOffset());
            Assert.True(key.VerifyData(body, Convert.FromBase64String(latest.Str("signature")), HashAlgorithmName.SHA256));
            Assert.False(key.VerifyData(SignedCheckpoint.Body(5, root1, latest.Json.GetProperty("timestamp").GetDateTimeOffset()), Convert.FromBase64String(latest.Str("signature")), HashAlgorithmName.SHA256));
        }

        // The confirmation of the second order is in the tree: its leaf, computed here from the order as stored.
        var stored = (await host.Services.GetRequiredService<IOrderStore>().FindAsync(second, CancellationToken.None))!.Order;
        var history = await host.Services.GetRequiredService<IOrderStore>().HistoryAsync(stored, CancellationToken.None);
        var expectedLeaf = Convert.ToHexStringLower(AuditLeaf.For(stored, history[^1]).LeafHash());
        var inclusion = (await host.GetAsync($"/api/v1/audit/proofs/inclusion?orderId={second}&sequence=3", host.Commission)).Json;
        Assert.Equal(expectedLeaf, inclusion.GetProperty("leafHash").GetString());
        Assert.Equal(root1, inclusion.GetProperty("rootHash").GetString());
        Assert.True(MerkleTree.VerifyInclusion(
            inclusion.GetProperty("leafIndex").GetInt64(),
            4,
            Convert.FromHexString(expectedLeaf),
            inclusion.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList(),
            Convert.FromHexString(root1)));

        // The log grows; the new checkpoint provably extends the old one.
        await host.PostAsync($"/api/v1/orders/{first}/withdrawal", host.Commission, new { reason = "settled" });
        await audit.SequenceAndCheckpointAsync(CancellationToken.None);
        var root2 = (await host.GetAsync("/api/v1/audit/checkpoints/latest", host.Regulator)).Str("rootHash");
        var consistency = (await host.GetAsync("/api/v1/audit/proofs/consistency?from=4&to=5", host.Regulator)).Json;
        Assert.True(MerkleTree.VerifyConsistency(4, 5, consistency.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList(), Convert.FromHexString(root1), Convert.FromHexString(root2)));

        // Sequencing again changes nothing: every leaf has exactly one place.
        Assert.Equal(5, (await audit.SequenceAndCheckpointAsync(CancellationToken.None))!.TreeSize);
        AssertProblem(await host.GetAsync("/api/v1/audit/checkpoints/latest", host.Provider(provider)), 403, "forbidden");
        AssertProblem(await host.GetAsync("/api/v1/audit/proofs/consistency?from=5&to=9", host.Regulator), 400, "invalid-query");
        AssertProblem(await host.GetAsync($"/api/v1/audit/proofs/inclusion?orderId={second}&sequence=9", host.Regulator), 404, "not-found");

        var (exit, said) = await VerifyAsync(host);
        Assert.Equal(0, exit);
        Assert.StartsWith("valid: 2 orders, 5 leaves, checkpoint of size 5", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_order_row_is_named()
    {
        await using var host = await ComplianceHost.StartAsync();
        var (provider, order) = await LoggedOrderAsync(host);
        var orders = Orders(host);
        await orders.UpdateEntityAsync(new TableEntity(provider, order) { ["Reason"] = "something milder" }, ETag.All, TableUpdateMode.Merge);

        var (exit, said) = await VerifyAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal($"INVALID: order {order}: the order row differs from the state logged with its entry 2 (leaf 1)", said.Trim());
    }

    [Fact]
    public async Task A_deleted_tail_that_the_order_row_was_made_to_match_is_named()
    {
        await using var host = await ComplianceHost.StartAsync();
        var (provider, order) = await LoggedOrderAsync(host);
        var orders = Orders(host);
        var history = await host.Services.GetRequiredService<IOrderStore>().HistoryAsync((await host.Services.GetRequiredService<IOrderStore>().FindAsync(order, CancellationToken.None))!.Order, CancellationToken.None);

        // The operator removes the acknowledgement and rewinds the order row to match: the order's own chain still checks.
        await orders.DeleteEntityAsync(provider, $"{order}|e|000002");
        await orders.UpdateEntityAsync(new TableEntity(provider, order) { ["Version"] = 1, ["Status"] = "issued", ["LastEventHash"] = history[0].Hash, ["AcknowledgedAt"] = null }, ETag.All, TableUpdateMode.Merge);
        var check = await host.GetAsync($"/api/v1/orders/{order}/history", host.Regulator);
        Assert.True(check.Json.GetProperty("chainValid").GetBoolean());

        var (exit, said) = await VerifyAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal($"INVALID: order {order}: entry 2 is in the log (leaf 1) but missing from the order's history", said.Trim());
    }

    [Fact]
    public async Task An_order_removed_whole_is_named()
    {
        await using var host = await ComplianceHost.StartAsync();
        var (provider, order) = await LoggedOrderAsync(host);
        var orders = Orders(host);
        await foreach (var row in orders.QueryAsync<TableEntity>(e => e.PartitionKey == provider))
        {
            if (row.RowKey.StartsWith(order, StringComparison.Ordinal))
            {
                await orders.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }

        var (exit, said) = await VerifyAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal($"INVALID: order {order}: in the log but no longer in storage", said.Trim());
    }

    [Fact]
    public async Task A_checkpoint_row_deleted_or_rolled_back_is_caught_by_the_write_once_archive()
    {
        await using var host = await ComplianceHost.StartAsync();
        await LoggedOrderAsync(host);
        var log = AuditLogTable(host);
        await log.DeleteEntityAsync("log", "checkpoint");

        var (exit, said) = await VerifyAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal("INVALID: the latest checkpoint is missing from the log, while the archive holds one of size 2", said.Trim());
    }

    [Fact]
    public async Task A_stored_subtree_that_proofs_are_served_from_is_checked_against_the_leaves()
    {
        await using var host = await ComplianceHost.StartAsync();
        await LoggedOrderAsync(host);
        var log = AuditLogTable(host);
        var node = (await log.GetEntityAsync<TableEntity>("log", "node|01|000000000000")).Value;
        var (left, right) = (Convert.FromHexString(await LeafHashAsync(log, 0)), Convert.FromHexString(await LeafHashAsync(log, 1)));
        Assert.Equal(Convert.ToHexStringLower(MerkleTree.NodeHash(left, right)), node.GetString("Hash"));

        await log.UpdateEntityAsync(new TableEntity("log", node.RowKey) { ["Hash"] = new string('0', 64) }, ETag.All, TableUpdateMode.Merge);
        var (exit, said) = await VerifyAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal("INVALID: stored subtree at level 1, index 0: it does not follow from the log's leaves", said.Trim());
    }

    [Fact]
    public async Task The_sequencer_finds_pending_leaves_by_key_and_removes_each_once_logged()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider(provider), null)).Status);
        var orders = Orders(host);
        Assert.Equal([$"audit-pending|{order}|000001", $"audit-pending|{order}|000002"], await PendingKeysAsync(orders, provider));

        Assert.Equal(2, (await host.Services.GetRequiredService<AuditLogService>().SequenceAndCheckpointAsync(CancellationToken.None))!.TreeSize);

        Assert.Empty(await PendingKeysAsync(orders, provider));
        var inclusion = (await host.GetAsync($"/api/v1/audit/proofs/inclusion?orderId={order}&sequence=2", host.Regulator)).Json;
        Assert.Equal(1, inclusion.GetProperty("leafIndex").GetInt64());
        Assert.Equal(2, inclusion.GetProperty("treeSize").GetInt64());
    }

    [Fact]
    public async Task Nothing_is_signed_over_stored_nodes_that_no_longer_give_the_last_signed_root()
    {
        await using var host = await ComplianceHost.StartAsync();
        var (provider, order) = await LoggedOrderAsync(host);
        var log = AuditLogTable(host);
        await log.UpdateEntityAsync(new TableEntity("log", "node|01|000000000000") { ["Hash"] = new string('0', 64) }, ETag.All, TableUpdateMode.Merge);
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/confirmation", host.Provider(provider), new { removedAt = host.Clock.GetUtcNow(), action = "removed" })).Status);
        var audit = host.Services.GetRequiredService<AuditLogService>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => audit.SequenceAndCheckpointAsync(CancellationToken.None));

        Assert.Equal("The stored log does not extend the signed checkpoint of size 2; nothing is signed. Run compliance audit verify.", refused.Message);
        Assert.Equal(2, (await host.GetAsync("/api/v1/audit/checkpoints/latest", host.Regulator)).Json.GetProperty("treeSize").GetInt64());
    }

    [Fact]
    public async Task A_pointer_row_edited_to_another_entry_s_leaf_gives_no_proof()
    {
        await using var host = await ComplianceHost.StartAsync();
        var (_, order) = await LoggedOrderAsync(host);
        var log = AuditLogTable(host);
        Assert.Equal(200, (await host.GetAsync($"/api/v1/audit/proofs/inclusion?orderId={order}&sequence=2", host.Regulator)).Status);

        await log.UpdateEntityAsync(new TableEntity("log", $"src|{order}|000002") { ["Index"] = 0L }, ETag.All, TableUpdateMode.Merge);

        AssertProblem(await host.GetAsync($"/api/v1/audit/proofs/inclusion?orderId={order}&sequence=2", host.Regulator), 404, "not-found");
    }

    [Fact]
    public async Task After_a_key_rotation_earlier_checkpoints_verify_with_the_former_key_only_while_it_is_trusted()
    {
        await using var host = await ComplianceHost.StartAsync();
        await LoggedOrderAsync(host);
        using var rotated = Compliance.Infrastructure.AuditLog.EcdsaCheckpointSigner.FromPrivateKeyPem(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem());
        using var former = Compliance.Infrastructure.AuditLog.EcdsaCheckpointSigner.FromPublicKeyPem(Compliance.Infrastructure.AuditLog.AuditOptions.DevelopmentPublicKeyPem);
        AuditLogService With(FormerCheckpointKeys? keys) => new(
            host.Services.GetRequiredService<IAuditLog>(), rotated, host.Services.GetRequiredService<IAuditArchive>(), host.Services.GetRequiredService<IOrderStore>(), TimeProvider.System, keys);

        var trusted = await With(new FormerCheckpointKeys([former])).VerifyAsync(CancellationToken.None);
        var untrusted = await With(null).VerifyAsync(CancellationToken.None);

        Assert.True(trusted.Valid, trusted.FirstProblem);
        Assert.False(untrusted.Valid);
        Assert.Equal($"checkpoint of size 2: signed with key {Compliance.Infrastructure.AuditLog.AuditOptions.DevelopmentKeyId}, which is not a trusted key", untrusted.FirstProblem);
    }

    private static async Task<List<string>> PendingKeysAsync(TableClient orders, string provider)
    {
        var keys = new List<string>();
        await foreach (var row in orders.QueryAsync<TableEntity>(e => e.PartitionKey == provider && e.RowKey.CompareTo("audit-pending|") >= 0 && e.RowKey.CompareTo("audit-pending}") < 0))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    private static async Task<string> LeafHashAsync(TableClient log, long index) =>
        (await log.GetEntityAsync<TableEntity>("log", $"leaf|{index:D12}")).Value.GetString("LeafHash");

    /// <summary>An order issued and acknowledged, its two leaves sequenced and signed.</summary>
    private static async Task<(string Provider, string Order)> LoggedOrderAsync(ComplianceHost host)
    {
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        Assert.Equal(200, (await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider(provider), null)).Status);
        Assert.Equal(2, (await host.Services.GetRequiredService<AuditLogService>().SequenceAndCheckpointAsync(CancellationToken.None))!.TreeSize);
        var (exit, said) = await VerifyAsync(host);
        Assert.True(exit == 0, said);
        return (provider, order);
    }

    private static TableClient AuditLogTable(ComplianceHost host) => new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(host.TablePrefix + "AuditLog");

    private static TableClient Orders(ComplianceHost host) => new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(host.TablePrefix + "Orders");

    /// <summary>What an auditor runs: <c>compliance audit verify</c> against the same storage.</summary>
    private static async Task<(int Exit, string Output)> VerifyAsync(ComplianceHost host)
    {
        var output = new StringWriter();
        var exit = await ComplianceCli.RunAsync(["audit", "verify", "--connection", ComplianceHost.StorageConnection, "--table-prefix", host.TablePrefix, "--audit-container", host.TablePrefix + "-audit"], output, new StringWriter());
        return (exit, output.ToString());
    }
}
