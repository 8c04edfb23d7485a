using Compliance.HashBank;

namespace Compliance.Exports;

/// <summary>
/// The bank as python-threatexchange's local file exchange reads it (LocalFileSignalExchangeAPI in
/// threatexchange/exchanges/impl/file_api.py): one "signal_type signal" line per hash, no header,
/// so a provider already running Meta's tools or HMA can import it. Only what should match goes in:
/// disabled entries are left out, and so are MD5 entries, for which python-threatexchange has no
/// photo type (its video_md5 would misname a photo's MD5).
/// </summary>
public static class SignalExchangeFile
{
    public const string PdqSignalType = "pdq";

    public static string Write(IEnumerable<BankedHash> entries)
    {
        var lines = new System.Text.StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!entry.Disabled && entry.Pdq is { Length: 64 } pdq && seen.Add(pdq))
            {
                lines.Append(PdqSignalType).Append(' ').Append(pdq).Append('\n');
            }
        }

        return lines.ToString();
    }
}
