namespace Compliance.Application;

internal static class ServerClock
{
    /// <summary>
    /// The server's time of receipt, cut to whole milliseconds: every store and wire format keeps
    /// milliseconds, so a value read back must equal the one that was decided on.
    /// </summary>
    public static DateTimeOffset ReceiptTime(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
