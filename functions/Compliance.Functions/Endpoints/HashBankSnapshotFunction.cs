using Compliance.Media;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class HashBankSnapshotFunction(IHashBank bank)
{
    /// <summary>Writes the hash bank's snapshot (HashBankSnapshotSchedule), so that a new instance loads it in seconds rather than reading every row.</summary>
    [Function("SaveHashBankSnapshot")]
    public Task Run([TimerTrigger("%HashBankSnapshotSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        bank.SaveSnapshotAsync(cancellationToken);
}
