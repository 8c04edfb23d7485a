using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Compliance.LocalHost;

/// <summary>
/// Fires each timer function on its schedule (NCrontab, as the Functions host parses it; %Setting%
/// resolved from configuration). Runs of one function never overlap, as with the host's singleton lock.
/// </summary>
public sealed partial class TimerFunctionScheduler(
    FunctionCatalog catalog,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerFunctionScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.Timers.Select(timer => RunScheduleAsync(timer, Schedule(timer), stoppingToken)));

    public CrontabSchedule Schedule(TimerFunction timer)
    {
        var expression = timer.Schedule;
        if (expression.Length > 2 && expression.StartsWith('%') && expression.EndsWith('%'))
        {
            var setting = expression[1..^1];
            expression = configuration[setting] ?? throw new InvalidOperationException($"Timer {timer.Name}: setting '{setting}' is not configured.");
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
    }

    private async Task RunScheduleAsync(TimerFunction timer, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        var last = time.GetUtcNow().UtcDateTime;
        if (timer.RunOnStartup)
        {
            await InvokeAsync(timer, schedule, last, isPastDue: false, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.GetNextOccurrence(last);
            var delay = next - time.GetUtcNow().UtcDateTime;
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var now = time.GetUtcNow().UtcDateTime;
            await InvokeAsync(timer, schedule, now, isPastDue: now - next > TimeSpan.FromSeconds(1), stoppingToken);
            last = next > now ? next : now;
        }
    }

    private async Task InvokeAsync(TimerFunction timer, CrontabSchedule schedule, DateTime now, bool isPastDue, CancellationToken stoppingToken)
    {
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = now, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var target = timer.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, timer.Method.DeclaringType!);
            var arguments = timer.Method.GetParameters()
                .Select(p => p.ParameterType == typeof(TimerInfo) ? info : p.ParameterType == typeof(CancellationToken) ? (object)stoppingToken : null)
                .ToArray();
            if (timer.Method.Invoke(target, arguments) is Task task)
            {
                await task;
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            LogTimerFailure(logger, timer.Name, error.GetType().FullName);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Name} failed with {ExceptionType}")]
    private static partial void LogTimerFailure(ILogger logger, string name, string? exceptionType);
}
