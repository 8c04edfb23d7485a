using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Compliance.Exports;
using Compliance.Sla;

namespace Compliance.Functions.Http;

/// <summary>Reports as RFC 4180 CSV (CsvHelper): a header row, then one row per report or per regime; times in UTC ISO 8601.</summary>
public static class ReportCsv
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { NewLine = "\r\n" };

    public static string Sla(SlaReport r) => Write(
        ["providerId", "from", "to", "generatedAt", "orders", "removedOnTime", "removedLate", "openWithinDeadline", "openOverdue", "breached", "withdrawn", "objections", "onTimeRate", "medianTimeToRemovalSeconds", "p95TimeToRemovalSeconds", "noEffectGiven"],
        [[r.ProviderId, Time(r.From), Time(r.To), Time(r.GeneratedAt), Count(r.Orders), Count(r.RemovedOnTime), Count(r.RemovedLate), Count(r.OpenWithinDeadline), Count(r.OpenOverdue), Count(r.Breached), Count(r.Withdrawn), Count(r.Objections), Number(r.OnTimeRate), Number(r.MedianTimeToRemovalSeconds), Number(r.P95TimeToRemovalSeconds), Count(r.NoEffectGiven)]]);

    public static string Transparency(TransparencyReport r) => Write(
        ["providerId", "from", "to", "legalBasis", "deadlineBasis", "orders", "removed", "removedOnTime", "breached", "objections", "withdrawn", "medianTimeToRemovalSeconds", "p95TimeToRemovalSeconds", "reuploadsBlocked", "noEffectGiven"],
        r.Regimes.Select(g => (string[])[r.ProviderId, Time(r.From), Time(r.To), g.LegalBasis, Compliance.Orders.OrderText.Snake(g.DeadlineBasis.ToString()), Count(g.Orders), Count(g.Removed), Count(g.RemovedOnTime), Count(g.Breached), Count(g.Objections), Count(g.Withdrawn), Number(g.MedianTimeToRemovalSeconds), Number(g.P95TimeToRemovalSeconds), Count(g.ReuploadsBlocked), Count(g.NoEffectGiven)]));

    private static string Write(string[] header, IEnumerable<string[]> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var row in rows.Prepend(header))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? n) => n?.ToString("0.####", CultureInfo.InvariantCulture) ?? string.Empty;
}
