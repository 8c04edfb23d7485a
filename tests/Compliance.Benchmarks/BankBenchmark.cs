using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Benchmarks;

/// <summary>
/// The hash bank's load into a new instance, on the Azurite infra/bench started: from Table Storage
/// alone (every row read; a smaller bank, as Azurite takes too long to fill a table of millions), and
/// from the snapshot blob plus the rows added to the table after it, at 10M stored hashes. The
/// snapshot load runs in a child process of its own, so its memory is that of a new instance and
/// not of the process that made the bank.
/// </summary>
internal static class BankBenchmark
{
    private const int AddedAfterSnapshot = 250; // items, of eight rows each: half an hour of intake at 12,000 images a day

    public static async Task RunAsync(int tableRows, int snapshotRows)
    {
        var storage = Environment.GetEnvironmentVariable("COMPLIANCE_TEST_STORAGE") ?? "UseDevelopmentStorage=true";
        if (tableRows > 0)
        {
            await TableLoadAsync(storage, tableRows);
        }

        if (snapshotRows > 0)
        {
            await SnapshotLoadAsync(storage, snapshotRows);
        }
    }

    /// <summary>In the child process: a new instance's first lookup loads the bank; prints time and memory.</summary>
    public static async Task LoadAsync(string prefix)
    {
        var storage = Environment.GetEnvironmentVariable("COMPLIANCE_TEST_STORAGE") ?? "UseDevelopmentStorage=true";
        var options = new StorageOptions { TablePrefix = prefix };
        var tables = new ComplianceTables(new TableServiceClient(storage), options);
        await tables.GetAsync(TableNames.HashBank, CancellationToken.None); // the table client's setup, not the load
        var baseline = Environment.WorkingSet;
        var loaded = Stopwatch.StartNew();
        using var bank = new TableHashBank(tables, TimeProvider.System, new HashBankSnapshots(new BlobServiceClient(storage), options));
        await bank.LookupAsync(new BankQuery([new string('0', 64)], [], 31, 20, null), CancellationToken.None);
        var seconds = loaded.Elapsed.TotalSeconds;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var (rss, peak) = ResidentMemory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bank load into a new instance, from the snapshot blob and the table rows since (Azurite): {bank.Count:N0} stored hashes ({AddedAfterSnapshot * 8:N0} of them from the table) in {seconds:F1} s{(bank.LoadedFromSnapshot ? string.Empty : " (NO SNAPSHOT USED)")}; process memory {rss / 1e6:F0} MB resident ({peak / 1e6:F0} MB at peak; {(rss - baseline) / 1e6:F0} MB more than before the load; managed heap {managed / 1e6:F0} MB)"));
    }

    private static async Task TableLoadAsync(string storage, int rows)
    {
        var options = new StorageOptions { TablePrefix = "bank" + Guid.NewGuid().ToString("N")[..8] };
        var tables = new ComplianceTables(new TableServiceClient(storage), options);
        var written = Stopwatch.StartNew();
        using (var writer = new TableHashBank(tables, TimeProvider.System))
        {
            foreach (var chunk in Entries(new Random(3), rows, DateTimeOffset.UtcNow.AddDays(-1)).Chunk(2000))
            {
                await writer.AddAsync(chunk, CancellationToken.None);
            }
        }

        var writeSeconds = written.Elapsed.TotalSeconds;
        var loaded = Stopwatch.StartNew();
        using var bank = new TableHashBank(tables, TimeProvider.System);
        await bank.LookupAsync(new BankQuery([new string('0', 64)], [], 31, 20, null), CancellationToken.None);
        var loadSeconds = loaded.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bank load from Table Storage alone (Azurite): {bank.Count:N0} stored hashes in {loadSeconds:F1} s ({bank.Count / loadSeconds:N0} rows/s; written in {writeSeconds:F0} s); at that rate 10M would take {10_000_000 / (bank.Count / loadSeconds) / 60:F0} min"));
    }

    private static async Task SnapshotLoadAsync(string storage, int rows)
    {
        var options = new StorageOptions { TablePrefix = "snap" + Guid.NewGuid().ToString("N")[..8] };
        var tables = new ComplianceTables(new TableServiceClient(storage), options);
        var snapshots = new HashBankSnapshots(new BlobServiceClient(storage), options);
        var random = new Random(5);
        var made = Stopwatch.StartNew();
        double saveSeconds;
        long bytes;
        using (var memory = new HashBankMemory())
        {
            foreach (var chunk in Entries(random, rows, DateTimeOffset.UtcNow.AddDays(-2)).Chunk(8000))
            {
                memory.Add(chunk);
            }

            var madeSeconds = made.Elapsed.TotalSeconds;
            var saved = Stopwatch.StartNew();
            await snapshots.WriteAsync(memory, DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);
            saveSeconds = saved.Elapsed.TotalSeconds;
            bytes = (await new BlobServiceClient(storage).GetBlobContainerClient(HashBankSnapshots.DefaultContainer).GetBlobClient($"{options.TablePrefix}bank.snapshot").GetPropertiesAsync()).Value.ContentLength;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bank of {memory.Count:N0} stored hashes made in memory in {madeSeconds:F0} s; snapshot written in {saveSeconds:F1} s ({bytes / 1e6:F0} MB)"));
        }

        using (var writer = new TableHashBank(tables, TimeProvider.System))
        {
            await writer.AddAsync(Entries(random, AddedAfterSnapshot * 8, DateTimeOffset.UtcNow, firstItem: rows / 8).ToList(), CancellationToken.None);
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var child = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        foreach (var argument in new[] { typeof(BankBenchmark).Assembly.Location, "detection", "bank-load", options.TablePrefix })
        {
            child.ArgumentList.Add(argument);
        }

        using var process = Process.Start(child)!;
        await process.WaitForExitAsync();
    }

    /// <summary>Banked items as the pipeline banks them: eight dihedral rows per image, one order per ten images.</summary>
    private static IEnumerable<HashBankEntry> Entries(Random random, int rows, DateTimeOffset addedAt, int firstItem = 0)
    {
        for (var row = 0; row < rows; row++)
        {
            var item = firstItem + (row / 8);
            var hash = new PdqHash((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
            yield return new HashBankEntry(hash.ToHex(), 100, $"ord-{item / 10:x24}", "provider-1", $"med-{item:x24}", null, addedAt)
            {
                Transform = (DihedralTransform)(row % 8),
                LegalBasis = "EU-DSA-9",
            };
        }
    }

    /// <summary>Resident and peak resident bytes of this process, from /proc (Linux).</summary>
    private static (long Resident, long Peak) ResidentMemory()
    {
        long Field(string name) => File.ReadLines("/proc/self/status").Where(l => l.StartsWith(name, StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).FirstOrDefault();
        return (Field("VmRSS:"), Field("VmHWM:"));
    }
}
