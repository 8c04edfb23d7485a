using System.Globalization;
using System.Text.RegularExpressions;

namespace Compliance.Regimes;

/// <summary>
/// A period the law states in calendar units ("six months", "three years"): added to a date month
/// by month, not as a fixed number of days, so P6M from 31 August ends on 28 or 29 February.
/// System.Xml's duration parser turns months into 30 days, which is why this exists.
/// </summary>
public sealed partial record CalendarPeriod(int Years, int Months, int Days)
{
    public static CalendarPeriod Parse(string iso)
    {
        var match = Pattern().Match(iso);
        if (!match.Success || iso == "P")
        {
            throw new FormatException($"'{iso}' is not an ISO 8601 period of years, months and days (e.g. P6M, P3Y, P180D).");
        }

        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return new CalendarPeriod(Part("y"), Part("m"), Part("d"));
    }

    public bool IsZero => Years == 0 && Months == 0 && Days == 0;

    public DateTimeOffset AddTo(DateTimeOffset start) => start.AddYears(Years).AddMonths(Months).AddDays(Days);

    public override string ToString() =>
        IsZero ? "P0D" : "P" + (Years > 0 ? $"{Years}Y" : string.Empty) + (Months > 0 ? $"{Months}M" : string.Empty) + (Days > 0 ? $"{Days}D" : string.Empty);

    [GeneratedRegex(@"^P(?:(?<y>\d{1,3})Y)?(?:(?<m>\d{1,4})M)?(?:(?<d>\d{1,5})D)?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();
}
