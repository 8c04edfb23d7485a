using System.IO.Pipelines;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Compliance.Infrastructure.Storage;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The hash bank's snapshot: one blob per table prefix in its own container, rewritten whole by the
/// snapshot timer (a block blob's commit swaps it in at once, so a reader never sees half of one).
/// The table stays the record; the snapshot only saves a new instance from reading every row.
/// </summary>
public sealed class HashBankSnapshots(BlobServiceClient service, StorageOptions options, string container = HashBankSnapshots.DefaultContainer)
{
    public const string DefaultContainer = "hashbank-snapshots";

    // Ranges fetched side by side: one stream at a time reads a large blob far below what the account
    // serves. Their buffers are pooled and stay with the process, so they are kept small.
    private static readonly StorageTransferOptions Transfer = new() { MaximumConcurrency = 2, InitialTransferSize = 4 << 20, MaximumTransferSize = 4 << 20 };

    private readonly SetupStep _created = new(() => options.ProvisionedByDeployment ? Task.CompletedTask : service.GetBlobContainerClient(container).CreateIfNotExistsAsync());

    private BlobClient Blob => service.GetBlobContainerClient(container).GetBlobClient($"{options.TablePrefix}bank.snapshot");

    /// <summary>The latest snapshot as a bank, or null if there is none or it does not check out.</summary>
    public async Task<(HashBankMemory Bank, DateTimeOffset LoadedUpTo)?> ReadAsync(CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20));
        // The download fills the pipe while the bank reads from it, so parsing overlaps the transfer.
        var download = DownloadAsync(pipe.Writer, cancellationToken);
        var read = Task.Run(() =>
        {
            using var stream = pipe.Reader.AsStream();
            return HashBankMemory.ReadSnapshot(stream);
        }, cancellationToken);
        bool found;
        try
        {
            found = await download;
        }
        catch (Exception e) when (e is RequestFailedException or IOException)
        {
            // A snapshot that cannot be read whole is no snapshot: the bank reads the table instead.
            found = false;
        }

        var bank = await read;
        if (found)
        {
            return bank;
        }

        bank?.Bank.Dispose();
        return null;
    }

    public async Task WriteAsync(HashBankMemory bank, DateTimeOffset loadedUpTo, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        await using var stream = await Blob.OpenWriteAsync(overwrite: true, new BlobOpenWriteOptions { BufferSize = 8 << 20 }, cancellationToken);
        await Task.Run(() => bank.WriteSnapshot(stream, loadedUpTo), cancellationToken);
    }

    private async Task<bool> DownloadAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await Blob.DownloadToAsync(writer.AsStream(leaveOpen: true), transferOptions: Transfer, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
        finally
        {
            await writer.CompleteAsync();
        }
    }
}
