using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Benchmarks;

/// <summary>
/// The hash bank's load from Table Storage into a new instance (the first lookup reads every row
/// and indexes it), and the managed memory that instance then holds, on the Azurite infra/bench
/// started. A table of 10M rows takes Azurite too long to fill here, so this measures a smaller
/// bank and prints the rate and the memory per stored hash; the 10M in-memory index build and its
/// size are measured by <see cref="LookupBenchmark"/>.
/// </summary>
internal static class BankBenchmark
{
    public static async Task RunAsync(int rows)
    {
        var storage = Environment.GetEnvironmentVariable("COMPLIANCE_TEST_STORAGE") ?? "UseDevelopmentStorage=true";
        var options = new StorageOptions { TablePrefix = "bank" + Guid.NewGuid().ToString("N")[..8] };
        var tables = new ComplianceTables(new TableServiceClient(storage), options);
        var random = new Random(3);
        var addedAt = DateTimeOffset.UtcNow.AddDays(-1);

        // Banked items as the pipeline banks them: eight dihedral rows per image, one order per ten images.
        var entries = new List<HashBankEntry>(rows);
        for (var i = 0; entries.Count < rows; i++)
        {
            for (var transform = 0; transform < 8 && entries.Count < rows; transform++)
            {
                var hash = new PdqHash((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
                entries.Add(new HashBankEntry(hash.ToHex(), 100, $"order-{i / 10:D7}", "provider-1", $"media-{i:D8}", null, addedAt)
                {
                    Transform = (DihedralTransform)transform,
                    LegalBasis = "EU-DSA-9",
                });
            }
        }

        var writeSeconds = await WriteAsync(tables, entries);
        entries = null;
        var before = ManagedBytes();
        var workingSetBefore = Environment.WorkingSet;
        var loaded = Stopwatch.StartNew();
        using var bank = new TableHashBank(tables, TimeProvider.System);
        await bank.LookupAsync(new BankQuery([new string('0', 64)], [], 31, 20, null), CancellationToken.None);
        var loadSeconds = loaded.Elapsed.TotalSeconds;
        var held = ManagedBytes() - before;
        var workingSet = Environment.WorkingSet - workingSetBefore;
        GC.KeepAlive(bank);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bank load from Table Storage (Azurite): {bank.Count:N0} stored hashes in {loadSeconds:F1} s ({bank.Count / loadSeconds:N0} rows/s; written in {writeSeconds:F0} s), {workingSet / (double)bank.Count:F0} bytes of working set per stored hash with its entry ({held / 1e6:F0} MB managed heap); at that rate 10M would load in {10_000_000 / (bank.Count / loadSeconds):F0} s"));
    }

    /// <summary>Writes through a bank instance of its own, in a method of its own, so nothing of it stays reachable while the new instance is measured.</summary>
    private static async Task<double> WriteAsync(ComplianceTables tables, List<HashBankEntry> entries)
    {
        var written = Stopwatch.StartNew();
        using var writer = new TableHashBank(tables, TimeProvider.System);
        foreach (var chunk in entries.Chunk(2000))
        {
            await writer.AddAsync(chunk, CancellationToken.None);
        }

        return written.Elapsed.TotalSeconds;
    }

    private static long ManagedBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
